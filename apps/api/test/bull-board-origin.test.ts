import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserCall, createTestAccounts, type Signed, signInAs, TEST_ADMIN } from "./dashboard-session.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

// Behind a reverse proxy: browsers reach https://herald.example.com, the API
// sees the proxy's upstream name as Host.
let api: TestApi;
let admin: Signed;
beforeAll(async () => {
  api = await createTestApi({ PUBLIC_URL: "https://herald.example.com" });
  await createTestAccounts(api);
  admin = await signInAs(api, TEST_ADMIN);
});
afterAll(() => api?.close());

/** A Bull Board action (retry every failed e-mail job) as a browser sends it, with these headers. */
const act = (headers: Record<string, string>) =>
  browserCall(api, "PUT", "/admin/queues/api/queues/%7Bemail%7D/retry/failed", admin, undefined, headers);

describe("Bull Board actions behind a reverse proxy", () => {
  it("are allowed from PUBLIC_URL's origin whatever Host the proxy passes on", async () => {
    const res = await act({ origin: "https://herald.example.com", host: "api:3000" });
    expect(res.status).toBeLessThan(300);
  });

  it("are allowed from the host the request was sent to, as before", async () => {
    const res = await act({ origin: "http://api:3000", host: "api:3000" });
    expect(res.status).toBeLessThan(300);
  });

  it("are allowed when the browser itself says same-origin, even if the API does not know its public name", async () => {
    const res = await act({
      "sec-fetch-site": "same-origin",
      origin: "https://other-name.example.com",
      host: "api:3000",
    });
    expect(res.status).toBeLessThan(300);
  });

  it("are refused from another origin, another scheme, or when the browser says cross-site", async () => {
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example", host: "api:3000" },
      { origin: "http://herald.example.com", host: "api:3000" },
      { origin: "null", host: "api:3000" },
      { "sec-fetch-site": "cross-site", origin: "https://herald.example.com", host: "api:3000" },
      { "sec-fetch-site": "same-site", origin: "https://herald.example.com", host: "herald.example.com" },
    ];
    for (const headers of refused) {
      const res = await act(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error).toMatchObject({ code: "forbidden" });
    }
  });
});
