import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "./client.ts";
import { pg } from "./raw.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database?.drop());

const planCacheMode = async (h: ReturnType<typeof createDb>) =>
  (await h.sql<{ plan_cache_mode: string }[]>`show plan_cache_mode`)[0]!.plan_cache_mode;

describe("createDb", () => {
  it("sets plan_cache_mode auto and random_page_cost 1.1 unless told otherwise, on every connection", async () => {
    const h = createDb(database.url, { max: 3 });
    try {
      const settings = await Promise.all(
        [1, 2, 3].map(() =>
          h.sql.begin(
            (tx) => tx<{ mode: string; cost: string }[]>`
              select current_setting('plan_cache_mode') as mode, current_setting('random_page_cost') as cost`,
          ),
        ),
      );
      expect(settings.map((s) => [s[0]!.mode, s[0]!.cost])).toEqual(Array(3).fill(["auto", "1.1"]));
    } finally {
      await h.close();
    }
  });

  it("takes DATABASE_PLAN_CACHE_MODE's choice", async () => {
    const h = createDb(database.url, { max: 1, planCacheMode: "force_custom_plan" });
    try {
      expect(await planCacheMode(h)).toBe("force_custom_plan");
    } finally {
      await h.close();
    }
  });

  it("gives the raw client of a transaction inside db.transaction", async () => {
    const h = createDb(database.url, { max: 2 });
    try {
      await h.sql`create table if not exists raw_probe (n int)`;
      await expect(
        h.db.transaction(async (tx) => {
          await pg(tx as never)`insert into raw_probe values (1)`;
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      // The insert ran inside the transaction: rolled back with it.
      const [row] = await h.sql<{ n: number }[]>`select count(*)::int as n from raw_probe`;
      expect(row!.n).toBe(0);
    } finally {
      await h.close();
    }
  });
});
