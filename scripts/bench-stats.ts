/**
 * `npx tsx scripts/bench-stats.ts [rows]` (default 1,000,000): how /v1/stats'
 * rollup behaves over many notifications, and what its triggers cost writers.
 * Starts its own PostgreSQL (or uses BENCH_DATABASE_URL, which must be an
 * empty database), generates `rows` notifications spread over 30 days with
 * the same generator as the stats test, and prints:
 *  - insert and bulk-update throughput with the rollup triggers on;
 *  - single-row transition() latency with the update trigger on and off;
 *  - the stats query (30 days, all channels/types) vs. a direct GROUP BY;
 * and checks the rollup's totals against the direct count.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, migrateDatabase, queryDeliveryStats, summarizeStats, transition } from "@herald/db";
import { createDatabase, freePort, PostgresServer } from "@herald/devstack";
import { directCounts, insertGenerated, progressGenerated } from "../apps/api/test/stats-data.ts";

const rows = Number(process.argv[2] ?? 1_000_000);
const say = (line: string) => console.info(`[bench-stats] ${line}`);
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

let server: PostgresServer | undefined;
let dir: string | undefined;
let url = process.env.BENCH_DATABASE_URL;
if (!url) {
  dir = mkdtempSync(join(tmpdir(), "herald-bench-"));
  server = new PostgresServer({
    dataDir: join(dir, "pg"),
    port: await freePort(),
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off", shared_buffers: "256MB" },
  });
  await server.start();
  url = await createDatabase(server.url(), "bench");
}

try {
  await migrateDatabase(url);
  const h = createDb(url, { max: 10 });
  const median = async (n: number, fn: () => Promise<unknown>) => {
    const runs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn();
      runs.push(performance.now() - t);
    }
    return runs.sort((a, b) => a - b)[Math.floor(n / 2)]!;
  };

  let t = performance.now();
  const chunk = 50_000;
  const starts: number[] = [];
  for (let s = 1; s <= rows; s += chunk) starts.push(s);
  for (let i = 0; i < starts.length; i += 4) {
    await Promise.all(
      starts
        .slice(i, i + 4)
        .map((s) => insertGenerated(h.sql, s, Math.min(rows, s + chunk - 1), "2026-01-01T00:00:00Z")),
    );
  }
  say(`inserted ${rows} rows (statement trigger on) in ${ms(t)}`);
  if (process.env.BENCH_NO_TRIGGER) await h.sql`alter table notifications disable trigger user`;
  t = performance.now();
  await progressGenerated(h.sql);
  say(`bulk status updates (statement trigger on) in ${ms(t)}`);
  await h.sql`vacuum analyze notifications`;
  await h.sql`vacuum analyze notification_stats_daily`;

  // Single-row transitions, 8 at a time, as channel workers and webhooks do.
  const sample = await h.sql<{ id: string }[]>`
    select id from notifications where status = 'QUEUED' order by id limit 8000`;
  const run = async (ids: string[]) => {
    const lat: number[] = [];
    for (let i = 0; i < ids.length; i += 8) {
      await Promise.all(
        ids.slice(i, i + 8).map(async (id) => {
          const s = performance.now();
          await transition(h.db, id, "SENT", { set: { sentAt: new Date() } });
          lat.push(performance.now() - s);
        }),
      );
    }
    lat.sort((a, b) => a - b);
    return `p50 ${lat[Math.floor(lat.length / 2)]!.toFixed(2)} ms, p99 ${lat[Math.floor(lat.length * 0.99)]!.toFixed(2)} ms`;
  };
  const ids = sample.map((r) => r.id);
  await h.sql`alter table notifications disable trigger notifications_stats_update`;
  say(`transition() QUEUED→SENT without the rollup trigger: ${await run(ids.slice(0, 4000))}`);
  await h.sql`alter table notifications enable trigger notifications_stats_update`;
  say(`transition() QUEUED→SENT with the rollup trigger:    ${await run(ids.slice(4000))}`);
  // The 4000 moved without the trigger are not in the rollup: move them back unseen, then again with it.
  await h.sql`alter table notifications disable trigger notifications_stats_update`;
  await h.sql`update notifications set status = 'QUEUED', sent_at = null where id = any(${ids.slice(0, 4000)})`;
  await h.sql`alter table notifications enable trigger notifications_stats_update`;
  await h.sql`update notifications set status = 'SENT', sent_at = now() where id = any(${ids.slice(0, 4000)})`;

  const range = { from: "2026-01-01", to: "2026-01-30" };
  const [{ n }] = (await h.sql`select count(*)::int as n from notification_stats_daily`) as unknown as [
    { n: number },
  ];
  const q = await median(21, () => queryDeliveryStats(h.db, range));
  const qs = await median(21, async () => summarizeStats(await queryDeliveryStats(h.db, range)));
  const d = await median(3, () => directCounts(h.sql, "all", range));
  say(`stats query over ${n} rollup rows: median ${q.toFixed(1)} ms (with summarizing: ${qs.toFixed(1)} ms)`);
  say(`direct GROUP BY over ${rows} notifications: median ${d.toFixed(0)} ms`);

  const rollup = summarizeStats(await queryDeliveryStats(h.db, range)).totals;
  const [direct] = await directCounts(h.sql, "all", range);
  const keys = ["total", "sent", "delivered", "read", "clicked", "failed", "bounced", "complained"] as const;
  const mismatched = keys.filter((k) => rollup[k] !== Number(direct?.[k]));
  say(
    mismatched.length === 0 ? "rollup totals equal the direct count" : `MISMATCH in ${mismatched.join(", ")}`,
  );
  await h.close();
  if (mismatched.length) process.exitCode = 1;
} finally {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
}
