import { createApiKey, findActiveApiKey } from "@herald/db";
import { testDatabase } from "@herald/testkit";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HonoEnv } from "../hono-env.ts";
import { apiKeyAuth } from "./api-key-auth.ts";

let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db?.close());

function appWith(cacheMs: number) {
  let lookups = 0;
  const auth = apiKeyAuth(db.db, {
    cacheMs,
    find: (d, hash) => {
      lookups++;
      return findActiveApiKey(d, hash);
    },
  });
  const app = new Hono<HonoEnv>();
  app.onError((err, c) => c.json({ error: err.message }, 401));
  app.use("*", auth);
  app.get("/", (c) => c.json({ key: c.get("apiKey").id }));
  const call = (key: string) => app.request("/", { headers: { authorization: `Bearer ${key}` } });
  return { call, lookups: () => lookups };
}

describe("apiKeyAuth's cache", () => {
  it("shares one lookup among concurrent requests, and looks again once the entry expired", async () => {
    const { key, row } = await createApiKey(db.db, { name: "cache", scopes: ["read"] });
    const app = appWith(200);
    const first = await Promise.all(Array.from({ length: 50 }, () => app.call(key)));
    expect(first.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(await first[0]!.json()).toEqual({ key: row.id });
    expect(app.lookups()).toBe(1);

    await new Promise((r) => setTimeout(r, 250));
    const again = await Promise.all(Array.from({ length: 50 }, () => app.call(key)));
    expect(again.every((r) => r.status === 200)).toBe(true);
    expect(app.lookups()).toBe(2);
  });

  it("refuses an unknown key with one lookup per cache period", async () => {
    const app = appWith(10_000);
    const refused = await Promise.all(Array.from({ length: 10 }, () => app.call("hk_live_nope")));
    expect(refused.every((r) => r.status === 401)).toBe(true);
    expect(app.lookups()).toBe(1);
  });
});
