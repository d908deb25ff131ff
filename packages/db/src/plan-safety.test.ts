import { runNotificationPath, type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "./client.ts";

/** The tables that grow with traffic: a sequential scan of any of them costs more every day. */
const GROWING = ["events", "notifications", "notification_timeline", "outbox_messages", "recipients"];

const databases: TestDatabase[] = [];
const handles: DbHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await Promise.all(databases.map((d) => d.drop()));
});

async function seqScans(h: DbHandle): Promise<Record<string, number>> {
  // One connection: flush its own counters before reading them.
  await h.sql`select pg_stat_force_next_flush()`;
  await h.sql`select 1`;
  await h.sql`select pg_stat_clear_snapshot()`;
  const rows = await h.sql<{ relname: string; seq_scan: string }[]>`
    select relname, seq_scan from pg_stat_user_tables where relname = any(${GROWING}::text[])`;
  return Object.fromEntries(rows.map((r) => [r.relname, Number(r.seq_scan)]));
}

/**
 * One notification's statements (ingest, routing, outbox send, SENT; see
 * `runNotificationPath`), in batches, with every plan generic from the first execution on empty tables:
 * the worst case for plans kept by `auto` on a server whose statistics never
 * change (autovacuum off). Returns the sequential scans they made.
 */
async function runHotPath(randomPageCost?: number): Promise<Record<string, number>> {
  const database = await testDatabase();
  databases.push(database);
  const h = createDb(database.url, {
    max: 1,
    planCacheMode: "force_generic_plan",
    ...(randomPageCost ? { randomPageCost } : {}),
  });
  handles.push(h);
  await h.sql`
    insert into recipients (id, external_id, email, phone)
    select 'usr_plan_' || g, 'plan' || g, 'plan' || g || '@example.com', '+1415' || lpad(g::text, 7, '0')
    from generate_series(1, 200) g`;
  const before = await seqScans(h);
  for (let round = 0; round < 20; round++) {
    const who = Array.from({ length: 20 }, (_, i) => `plan${((round * 20 + i) % 200) + 1}`);
    const loaded = await runNotificationPath(h, who, round, {
      channel: "sms",
      content: (order) => ({ channel: "sms", text: `Order ${order} placed` }),
    });
    expect(loaded).toBe(20);
  }
  const after = await seqScans(h);
  return Object.fromEntries(GROWING.map((t) => [t, (after[t] ?? 0) - (before[t] ?? 0)]));
}

describe("generic plans of the hot path", () => {
  it("look rows up by index even when made on empty tables (Herald's random_page_cost)", async () => {
    expect(await runHotPath()).toEqual(Object.fromEntries(GROWING.map((t) => [t, 0])));
  });

  it("would scan whole tables with PostgreSQL's default random_page_cost (why Herald sets its own)", async () => {
    const scans = await runHotPath(4);
    expect(Object.values(scans).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
