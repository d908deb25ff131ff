import { Herald as HeraldClient, type UserUpsert } from "@herald/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/**
 * `herald.users.upsertMany` against a real API: an import of 2,500 users in
 * one call goes as three requests of at most 1,000, and the answer reads as
 * one (summed counts, a result per user at its own index).
 */
let herald: Herald;
let client: HeraldClient;
let requests: string[];
beforeAll(async () => {
  herald = await startHerald({ workers: false, apiEnv: { API_RATE_LIMIT: "off" } });
  requests = [];
  client = new HeraldClient({
    apiKey: herald.apiKey,
    baseUrl: herald.url,
    retryDelayMs: 20,
    fetch: (input, init) => {
      requests.push(`${init?.method} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    },
  });
});
afterAll(() => herald?.close());

const storedCount = async (prefix: string) => {
  const [row] = await herald.db.sql<{ n: number }[]>`
    select count(*)::int as n from recipients where external_id like ${`${prefix}%`}`;
  return row!.n;
};

const users = (n: number, prefix: string): UserUpsert[] =>
  Array.from({ length: n }, (_, i) => ({
    userId: `${prefix}${i}`,
    email: `${prefix}${i}@example.com`,
    timezone: "Europe/Paris",
    properties: { row: i },
  }));

describe("@herald/client's users.upsertMany", () => {
  it("imports 2,500 users in one call, 1,000 per request, and a repeat changes nothing", async () => {
    const list = users(2500, "imp-");
    requests.length = 0;
    const first = await client.users.upsertMany(list);
    expect(requests).toEqual(Array(3).fill("POST /v1/users/batch"));
    expect(first).toMatchObject({ created: 2500, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.results).toHaveLength(2500);
    expect(first.results.every((r, i) => r.index === i && r.outcome === "created")).toBe(true);
    expect(await storedCount("imp-")).toBe(2500);
    expect((await herald.call("GET", "/v1/users/imp-2499")).body).toMatchObject({
      email: "imp-2499@example.com",
      timezone: "Europe/Paris",
      properties: { row: 2499 },
    });

    const again = await client.users.upsertMany(list);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2500, rejected: 0 });
  });

  it("reports an invalid user at its index in the whole list and writes the others", async () => {
    const list = users(1500, "mix-");
    list[1200] = { ...list[1200]!, phone: "not a phone" };
    const res = await client.users.upsertMany(list);
    expect(res).toMatchObject({ created: 1499, rejected: 1 });
    expect(res.results[1200]).toMatchObject({
      index: 1200,
      outcome: "rejected",
      error: { code: "validation_failed", details: [{ path: "phone" }] },
    });
    expect(await storedCount("mix-")).toBe(1499);
  });

  it("throws before sending anything when a user id is given twice, even 1,000 apart", async () => {
    const list = users(1500, "dup-");
    list[1400] = { userId: "dup-3", email: "other@example.com" };
    requests.length = 0;
    await expect(client.users.upsertMany(list)).rejects.toThrow(/"dup-3" at users\[3\] and users\[1400\]/);
    expect(requests).toEqual([]);
    expect(await storedCount("dup-")).toBe(0);
    expect(await client.users.upsertMany([])).toEqual({
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      results: [],
    });
  });
});
