import { createHash } from "node:crypto";
import { freePort } from "@herald/devstack";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createApiDeps } from "../src/deps.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ API_KEY_CACHE_MS: "2000" });
});
afterAll(() => api.close());

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const order = { type: "order_placed", userId: "u1", data: catalog.order_placed.example };

async function newKey(body: Record<string, unknown>) {
  const res = await api.call("POST", "/v1/api-keys", { name: "test", ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string; prefix: string; lastFour: string; scopes: string[] };
}

/** A second API process on the same database and Redis: its own app and key cache. */
function secondProcess() {
  const deps = createApiDeps({ ...api.deps.env });
  const app = createApp(deps);
  return {
    async call(method: string, path: string, key: string) {
      const res = await app.request(path, { method, headers: as(key) });
      return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) };
    },
    close: () => deps.close(),
  };
}

describe("API keys", () => {
  it("are created with a prefix, shown once, and stored only as SHA-256 hashes", async () => {
    const live = await newKey({ scopes: ["events:write"] });
    const test = await newKey({ scopes: ["read"], environment: "test" });
    expect(live.key).toMatch(/^hk_live_[A-Za-z0-9]{40}$/);
    expect(test.key).toMatch(/^hk_test_[A-Za-z0-9]{40}$/);
    expect(live.prefix).toBe(live.key.slice(0, 12));
    expect(live.lastFour).toBe(live.key.slice(-4));

    const rows = await api.db.sql`select * from api_keys`;
    const dump = JSON.stringify(rows);
    for (const secret of [live.key, test.key, api.apiKey]) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(12, -4));
      const row = rows.find((r) => r.hash === createHash("sha256").update(secret).digest("hex"));
      expect(row).toBeDefined();
    }
    const one = await api.call("GET", `/v1/api-keys/${live.id}`);
    expect(one.body.key).toBeUndefined();
  });

  it("are listed with prefix and last four only", async () => {
    const created = await newKey({ scopes: ["read"] });
    const list = await api.call("GET", "/v1/api-keys");
    expect(list.status).toBe(200);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(created.key);
    expect(text).not.toMatch(/"hash"|"key"/);
    const item = list.body.data.find((k: { id: string }) => k.id === created.id);
    expect(item.display).toBe(`${created.key.slice(0, 12)}…${created.key.slice(-4)}`);
  });

  it("without the needed scope get 403, with it 2xx", async () => {
    const reader = await newKey({ scopes: ["read"] });
    const writer = await newKey({ scopes: ["events:write"] });
    const denied = await api.call("POST", "/v1/events", order, as(reader.key));
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
    expect((await api.call("GET", "/v1/notifications", undefined, as(reader.key))).status).toBe(200);
    expect((await api.call("POST", "/v1/events", order, as(writer.key))).status).toBe(202);
    expect((await api.call("GET", "/v1/notifications", undefined, as(writer.key))).status).toBe(403);
    expect((await api.call("PUT", "/v1/users/u1", {}, as(writer.key))).status).toBe(403);
    // Only admin keys manage keys.
    const escalate = await api.call("POST", "/v1/api-keys", { name: "x", scopes: ["admin"] }, as(writer.key));
    expect(escalate.status).toBe(403);
  });

  it("revoked: 401 at once in this process and within the cache time in another", async () => {
    const key = await newKey({ scopes: ["read"] });
    const other = secondProcess();
    try {
      expect((await other.call("GET", "/v1/notifications", key.key)).status).toBe(200); // now cached there
      // The inbox routes check keys themselves: with the same cache, forgotten on revocation.
      const inbox = "/v1/users/revoked-key-user/inbox";
      expect((await api.call("GET", inbox, undefined, as(key.key))).status).not.toBe(401);
      const revoked = await api.call("DELETE", `/v1/api-keys/${key.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      const here = await api.call("GET", "/v1/notifications", undefined, as(key.key));
      expect(here.status).toBe(401);
      expect(here.body.error.code).toBe("unauthorized");
      expect((await api.call("GET", inbox, undefined, as(key.key))).status).toBe(401);
      const started = Date.now();
      await eventually(
        async () => (await other.call("GET", "/v1/notifications", key.key)).status === 401,
        5000,
      );
      expect(Date.now() - started).toBeLessThan(2000 + 1500);
    } finally {
      await other.close();
    }
  });

  it("rotated: a new secret works, the old one stops (or after its grace period)", async () => {
    const key = await newKey({ scopes: ["read"] });
    const rotated = await api.call("POST", `/v1/api-keys/${key.id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body.key).not.toBe(key.key);
    expect(rotated.body.rotatedFrom).toBe(key.id);
    expect(rotated.body.scopes).toEqual(["read"]);
    expect((await api.call("GET", "/v1/notifications", undefined, as(key.key))).status).toBe(401);
    expect((await api.call("GET", "/v1/notifications", undefined, as(rotated.body.key))).status).toBe(200);

    const graced = await api.call("POST", `/v1/api-keys/${rotated.body.id}/rotate`, { graceSeconds: 600 });
    expect(graced.status).toBe(201);
    expect((await api.call("GET", "/v1/notifications", undefined, as(rotated.body.key))).status).toBe(200);
    expect((await api.call("GET", "/v1/notifications", undefined, as(graced.body.key))).status).toBe(200);
    expect((await api.call("POST", `/v1/api-keys/${key.id}/rotate`)).status).toBe(404);
    // Rotating again during the grace period would leave two live successors.
    const again = await api.call("POST", `/v1/api-keys/${rotated.body.id}/rotate`, { graceSeconds: 600 });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(graced.body.id);
    const live = await api.call("GET", "/v1/api-keys");
    expect(
      live.body.data.filter((k: { rotatedFrom: string | null }) => k.rotatedFrom === rotated.body.id),
    ).toHaveLength(1);
  });

  it("expired: 401", async () => {
    const key = await newKey({ scopes: ["read"], expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await api.call("GET", "/v1/notifications", undefined, as(key.key))).status).toBe(200);
    await eventually(
      async () => (await api.call("GET", "/v1/notifications", undefined, as(key.key))).status === 401,
      5000,
    );
  });

  it("rejects bad create bodies with 422", async () => {
    for (const body of [
      { name: "x", scopes: [] },
      { name: "x", scopes: ["root"] },
      { name: "", scopes: ["read"] },
      { name: "x", scopes: ["read", "read"] },
      { name: "x", scopes: ["read"], expiresAt: "2001-01-01T00:00:00Z" },
    ]) {
      const res = await api.call("POST", "/v1/api-keys", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
  });
});

describe("rate limiting per API key", () => {
  it("answers 429 with Retry-After and RateLimit-* headers once a key is over its limit, across processes", async () => {
    const key = await newKey({ scopes: ["read"], rateLimit: 4 });
    const other = secondProcess();
    try {
      const first = await api.call("GET", "/v1/notifications", undefined, as(key.key));
      expect(first.status).toBe(200);
      expect(first.headers.get("ratelimit-limit")).toBe("4");
      expect(first.headers.get("ratelimit-remaining")).toBe("3");
      const reset = Number(first.headers.get("ratelimit-reset"));
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(60);
      expect((await other.call("GET", "/v1/notifications", key.key)).status).toBe(200);
      expect((await api.call("GET", "/v1/notifications", undefined, as(key.key))).status).toBe(200);
      const last = await other.call("GET", "/v1/notifications", key.key);
      expect(last.status).toBe(200);
      expect(last.headers.get("ratelimit-remaining")).toBe("0");

      const over = await api.call("GET", "/v1/notifications", undefined, as(key.key));
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe("rate_limited");
      expect(over.body.error.requestId).toEqual(expect.any(String));
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(over.headers.get("ratelimit-remaining")).toBe("0");
      expect((await other.call("GET", "/v1/notifications", key.key)).status).toBe(429);
      // Another key has its own budget.
      expect((await api.call("GET", "/v1/notifications")).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("lets requests through (without RateLimit headers) when Redis cannot be asked", async () => {
    const noRedis = await createTestApi({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    try {
      const res = await noRedis.call("GET", "/v1/notifications");
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
      // Triggering needs the queue: a quick 503 that writes nothing, inline user data included.
      const event = await noRedis.call("POST", "/v1/events", { ...order, user: { email: "q@example.com" } });
      expect(event.status).toBe(503);
      expect(event.headers.get("retry-after")).toBe("5");
      const [rows] = await noRedis.db
        .sql`select (select count(*) from events)::int as e, (select count(*) from recipients)::int as r`;
      expect(rows).toEqual({ e: 0, r: 0 });
    } finally {
      await noRedis.close();
    }
  });

  it("takes its default from API_RATE_LIMIT and refills after the window", async () => {
    const limited = await createTestApi({ API_RATE_LIMIT: "3/1s" });
    try {
      // Four at once in one 1 s window: the fourth is over the limit (unless a window boundary
      // splits the burst, hence the retry).
      await eventually(async () => {
        const burst = await Promise.all(
          Array.from({ length: 4 }, () => limited.call("GET", "/v1/notifications")),
        );
        return burst.filter((r) => r.status === 429).length >= 1;
      }, 3000);
      await eventually(async () => (await limited.call("GET", "/v1/notifications")).status === 429, 3000);
      await eventually(async () => (await limited.call("GET", "/v1/notifications")).status === 200, 3000);
      expect(limited.deps.env.API_RATE_LIMIT).toEqual({ max: 3, windowMs: 1000 });
    } finally {
      await limited.close();
    }
  });
});
