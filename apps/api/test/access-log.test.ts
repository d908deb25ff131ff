import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { createApp } from "../src/app.ts";
import { createTestApi, loggingApp, type TestApi } from "./test-api.ts";

let api: TestApi;
let app: ReturnType<typeof createApp>;
let lines: { method: string; route: string; status: number }[] = [];

beforeAll(async () => {
  api = await createTestApi();
  ({ app, lines } = loggingApp<{ method: string; route: string; status: number }>(api));
});
afterAll(() => api?.close());

const request = async (method: string, path: string, body?: unknown, auth = true) => {
  lines.length = 0;
  const res = await app.request(path, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${api.apiKey}` } : {}),
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await res.arrayBuffer();
  const logged = lines.filter((l) => "route" in l);
  expect(logged).toHaveLength(1);
  return logged[0]!;
};

describe("access log", () => {
  it("names the pattern of the route that answered, for GETs too (not the dashboard's fallback)", async () => {
    expect(await request("PUT", "/v1/users/ada%40example.com", { email: "ada@example.com" })).toMatchObject({
      method: "PUT",
      route: "/v1/users/:userId",
      status: 200,
    });
    expect(await request("GET", "/v1/users/ada%40example.com")).toMatchObject({
      route: "/v1/users/:userId",
      status: 200,
    });
    expect(await request("GET", "/v1/users/ada%40example.com/preferences")).toMatchObject({
      route: "/v1/users/:userId/preferences",
    });
    expect(await request("GET", "/v1/events/evt_nope")).toMatchObject({
      route: "/v1/events/:eventId",
      status: 404,
    });
    // Refused before the route's handler ran: still the route it was for.
    expect(await request("GET", "/v1/users/ada", undefined, false)).toMatchObject({
      route: "/v1/users/:userId",
      status: 401,
    });
    // No concrete path (user ids are often e-mail addresses) in any line.
    expect(JSON.stringify(lines)).not.toContain("example.com");
  });
});
