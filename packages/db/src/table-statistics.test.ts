import { publishStatistics, type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeStaleTables } from "./table-statistics.ts";

let h: TestDatabase;
beforeAll(async () => {
  // One connection: it flushes its own statistics before they are read.
  h = await testDatabase({ max: 1 });
});
afterAll(() => h?.drop());

async function insertEvents(n: number, from: number) {
  await h.sql`
    insert into events (id, type, user_id, data, priority)
    select 'evt_stats_' || g, 'order_placed', 'u' || g, '{}', 'normal' from generate_series(${from}::int, ${from + n - 1}::int) g`;
  await publishStatistics(h);
}

const lastAnalyze = async (table: string) =>
  (
    await h.sql<{ at: Date | null }[]>`
      select last_analyze as at from pg_stat_user_tables where relname = ${table}`
  )[0]!.at;

describe("analyzeStaleTables", () => {
  it("analyzes a table autovacuum skips once 50 rows plus 10% changed, and not again until more did", async () => {
    await h.sql`alter table events set (autovacuum_enabled = false)`;
    await insertEvents(40, 1);
    expect((await analyzeStaleTables(h.db)).analyzed).not.toContain("events");
    expect(await lastAnalyze("events")).toBeNull();

    await insertEvents(20, 41);
    expect((await analyzeStaleTables(h.db)).analyzed).toContain("events");
    expect(await lastAnalyze("events")).not.toBeNull();
    // 60 rows now: the next ANALYZE waits for 56 more changes.
    await insertEvents(50, 61);
    expect((await analyzeStaleTables(h.db)).analyzed).not.toContain("events");
    await insertEvents(10, 111);
    expect((await analyzeStaleTables(h.db)).analyzed).toContain("events");
    const [row] = await h.sql<
      { reltuples: number }[]
    >`select reltuples from pg_class where relname = 'events'`;
    expect(row!.reltuples).toBe(120);
  });

  it("leaves tables to autovacuum where it runs", async () => {
    const [server] = await h.sql<{ on: boolean }[]>`select current_setting('autovacuum')::boolean as on`;
    await h.sql`alter table recipients set (autovacuum_enabled = true)`;
    await h.sql`
      insert into recipients (id, external_id) select 'usr_stats_' || g, 'stats' || g from generate_series(1, 100) g`;
    await publishStatistics(h);
    const result = await analyzeStaleTables(h.db);
    // This machine's server may run autovacuum or not; the table's own setting only counts when it does.
    expect(result.analyzed.includes("recipients")).toBe(!server!.on);
    expect(result.leftToAutovacuum > 0).toBe(server!.on);
  });
});
