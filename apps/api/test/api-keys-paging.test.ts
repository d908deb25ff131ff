import { type ApiKey, Herald } from "@herald/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
/** Ids of the keys made here, newest first (the bootstrap key is older than all of them). */
let made: string[] = [];
let revoked: string;
beforeAll(async () => {
  api = await createTestApi();
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const res = await api.call("POST", "/v1/api-keys", { name: `paging ${i}`, scopes: ["read"] });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  revoked = ids[3]!;
  expect((await api.call("DELETE", `/v1/api-keys/${revoked}`)).status).toBe(200);
  made = ids.reverse();
});
afterAll(() => api.close());

const ids = (body: { data: { id: string }[] }) => body.data.map((k) => k.id);

/** A client that reaches the test API in process. */
function client(): Herald {
  return new Herald({
    apiKey: api.apiKey,
    baseUrl: "http://herald.test",
    maxRetries: 0,
    fetch: (input, init) => Promise.resolve(api.app.request(String(input), init)),
  });
}

describe("GET /v1/api-keys pages", () => {
  it("newest first, `limit` at a time, following nextCursor to the end", async () => {
    const live = made.filter((id) => id !== revoked);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await api.call("GET", `/v1/api-keys?${query}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    // Six live keys made here and the bootstrap key: four pages, the last one short.
    expect(pages).toBe(4);
    expect(seen.slice(0, live.length)).toEqual(live);
    expect(seen).toHaveLength(live.length + 1);
    expect(seen).not.toContain(revoked);
  });

  it("default limit 50; includeRevoked pages through revoked keys too", async () => {
    const all = await api.call("GET", "/v1/api-keys");
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.data).toHaveLength(7);
    const first = await api.call("GET", "/v1/api-keys?includeRevoked=true&limit=4");
    expect(ids(first.body)).toEqual(made.slice(0, 4));
    const second = await api.call(
      "GET",
      `/v1/api-keys?includeRevoked=true&limit=4&cursor=${first.body.nextCursor}`,
    );
    expect(ids(second.body).slice(0, 3)).toEqual(made.slice(4));
    expect(second.body.nextCursor).toBeNull();
  });

  it("refuses a bad limit (422) or cursor (400) with the error shape", async () => {
    for (const limit of ["0", "201", "-1", "ten", "1.5"]) {
      const res = await api.call("GET", `/v1/api-keys?limit=${limit}`);
      expect(res.status, limit).toBe(422);
      expect(res.body.error).toMatchObject({ code: "validation_failed", requestId: expect.any(String) });
    }
    const auditCursor = Buffer.from("aud_01jd8q3k5m6n7p8q9r0s1t2v3w").toString("base64url");
    for (const cursor of ["not-a-cursor", "x".repeat(201), auditCursor]) {
      const res = await api.call("GET", `/v1/api-keys?cursor=${cursor}`);
      expect(res.status, cursor).toBeGreaterThanOrEqual(400);
      expect(res.status, cursor).toBeLessThan(500);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect(res.body.error.requestId).toEqual(expect.any(String));
    }
    const bad = await api.call("GET", "/v1/api-keys?cursor=not-a-cursor");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("malformed_request");
  });
});

describe("@herald/client apiKeys.list / listAll", () => {
  it("list answers a page and its cursor; listAll walks every page", async () => {
    const herald = client();
    const page = await herald.apiKeys.list({ limit: 3, includeRevoked: true });
    expect(page.data.map((k) => k.id)).toEqual(made.slice(0, 3));
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await herald.apiKeys.list({ limit: 3, includeRevoked: true, cursor: page.nextCursor! });
    expect(next.data.map((k) => k.id)).toEqual(made.slice(3, 6));

    const every: ApiKey[] = [];
    for await (const key of herald.apiKeys.listAll({ limit: 2, includeRevoked: true })) every.push(key);
    expect(every.map((k) => k.id).slice(0, made.length)).toEqual(made);
    expect(every).toHaveLength(made.length + 1);
    const live: string[] = [];
    for await (const key of herald.apiKeys.listAll({ limit: 2 })) live.push(key.id);
    expect(live).not.toContain(revoked);
    expect(live).toHaveLength(made.length);
  });
});
