import { publishStatistics, runNotificationPath, type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle, type PlanCacheMode } from "./client.ts";
import { analyzeStaleTables } from "./table-statistics.ts";

/** The tables that grow with traffic: a sequential scan of any of them costs more every day. */
const GROWING = ["events", "notifications", "notification_timeline", "outbox_messages", "recipients"];

const databases: TestDatabase[] = [];
const handles: DbHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

async function seqScans(h: DbHandle): Promise<Record<string, number>> {
  // One connection: its own counters, published.
  await publishStatistics(h);
  const rows = await h.sql<{ relname: string; seq_scan: string }[]>`
    select relname, seq_scan from pg_stat_user_tables where relname = any(${GROWING}::text[])`;
  return Object.fromEntries(rows.map((r) => [r.relname, Number(r.seq_scan)]));
}

interface HotPathRun {
  planCacheMode: PlanCacheMode;
  randomPageCost?: number;
  /** Notifications per batch (default 20). */
  batch?: number;
  /** Batches run before the counting starts (default 0). */
  warmup?: number;
  /** Runs Herald's statistics maintenance after the warm-up. */
  analyzeAfterWarmup?: boolean;
}

/**
 * One notification's statements (ingest, routing, outbox send, SENT; see
 * `runNotificationPath`) in batches on one connection, with autovacuum off
 * for the test's tables, so that nothing but the run itself changes their
 * statistics. Returns the sequential scans of the growing tables made by the
 * 20 batches after the warm-up.
 */
async function runHotPath(run: HotPathRun): Promise<Record<string, number>> {
  const database = await testDatabase();
  databases.push(database);
  const h = createDb(database.url, {
    max: 1,
    planCacheMode: run.planCacheMode,
    ...(run.randomPageCost ? { randomPageCost: run.randomPageCost } : {}),
  });
  handles.push(h);
  for (const table of GROWING) await h.sql.unsafe(`alter table ${table} set (autovacuum_enabled = false)`);
  await h.sql`
    insert into recipients (id, external_id, email, phone)
    select 'usr_plan_' || g, 'plan' || g, 'plan' || g || '@example.com', '+1415' || lpad(g::text, 7, '0')
    from generate_series(1, 200) g`;
  const batch = run.batch ?? 20;
  const warmup = run.warmup ?? 0;
  const one = async (round: number) => {
    const who = Array.from({ length: batch }, (_, i) => `plan${((round * batch + i) % 200) + 1}`);
    const loaded = await runNotificationPath(h, who, round, {
      channel: "sms",
      content: (order) => ({ channel: "sms", text: `Order ${order} placed` }),
    });
    expect(loaded).toBe(batch);
  };
  for (let round = 0; round < warmup; round++) await one(round);
  if (run.analyzeAfterWarmup) {
    await publishStatistics(h);
    expect((await analyzeStaleTables(h.db)).analyzed).toEqual(
      expect.arrayContaining(["events", "notifications"]),
    );
  }
  const before = await seqScans(h);
  for (let round = warmup; round < warmup + 20; round++) await one(round);
  const after = await seqScans(h);
  return Object.fromEntries(GROWING.map((t) => [t, (after[t] ?? 0) - (before[t] ?? 0)]));
}

const NONE = Object.fromEntries(GROWING.map((t) => [t, 0]));
const total = (scans: Record<string, number>) => Object.values(scans).reduce((a, b) => a + b, 0);

describe("generic plans of the hot path", () => {
  it("look rows up by index even when made on empty tables (Herald's random_page_cost)", async () => {
    // Every plan generic from the first execution, on empty tables.
    expect(await runHotPath({ planCacheMode: "force_generic_plan" })).toEqual(NONE);
  });

  it("would scan whole tables with PostgreSQL's default random_page_cost (why Herald sets its own)", async () => {
    expect(
      total(await runHotPath({ planCacheMode: "force_generic_plan", randomPageCost: 4 })),
    ).toBeGreaterThan(0);
  });

  it("made on tables of a few pages, scan them for good until the statistics change", async () => {
    // `auto` plans the first five executions, then keeps a generic plan if it is no dearer;
    // at batches of 25 that happens while events and notifications hold a few pages.
    const scans = await runHotPath({ planCacheMode: "auto", batch: 25, warmup: 20 });
    expect(scans.events).toBeGreaterThanOrEqual(20);
    expect(scans.notifications).toBeGreaterThanOrEqual(20);
  });

  it("are made again with the tables' real size after Herald's statistics maintenance", async () => {
    const scans = await runHotPath({
      planCacheMode: "auto",
      batch: 25,
      warmup: 20,
      analyzeAfterWarmup: true,
    });
    // Recipients stays at 200 rows here: analyzed, four pages are rightly read whole,
    // and the next ANALYZE (10% more rows) plans again.
    expect({ ...scans, recipients: 0 }).toEqual(NONE);
  });
});
