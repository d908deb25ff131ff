/**
 * `npx tsx scripts/bench/pg-path.ts [--notifications N] [--batch B] [--channel sms|email] [--plan-cache-mode M] [--variant v,…]`:
 * the PostgreSQL work of one notification's whole path (ingest, routing,
 * sending through the outbox), run through the same @herald/db functions
 * the API and workers call, on one connection, with nothing else running.
 * Prints the PostgreSQL backend's CPU per notification (from /proc), this
 * process's CPU, and the wall time of each step, so a change to a statement
 * can be judged without the noise of a whole-system run.
 *
 * Variants (diagnosis only; each changes the schema of its own database):
 * `no-stats` disables the /v1/stats rollup triggers, `no-timeline` drops
 * timeline rows before they are stored, `analyze` runs ANALYZE after the
 * warm-up (what autovacuum would do). `--plan-cache-mode` is the pool's
 * setting (default Herald's, `auto`). `--channel email` stores
 * content of a catalog e-mail's size and character mix (order_placed: ~5,000
 * characters of HTML, ~700 of them react-email's zero-width preview padding,
 * `–` and `€`; ~300 of plain text) instead of an SMS's one line.
 */
import { randomBytes } from "node:crypto";
import {
  createDb,
  type DbHandle,
  DEFAULT_PLAN_CACHE_MODE,
  migrateDatabase,
  PLAN_CACHE_MODES,
  type PlanCacheMode,
} from "@herald/db";
import { createDatabase, dropDatabase } from "@herald/devstack";
import { runNotificationPath } from "@herald/testkit";
import { positive, value } from "./bench-options.ts";
import { seedUsers } from "./bench-users.ts";
import { cpuSeconds } from "./cpu-usage.ts";
import { PG_SERVER_URL } from "./herald-system.ts";

const argv = process.argv.slice(2);
const total = positive(argv, "--notifications", 20_000);
const batch = positive(argv, "--batch", 50);
const variants = new Set((value(argv, "--variant") ?? "").split(",").filter(Boolean));
/** Pipelines running at once, each on its own connection (Herald's workers run many). */
const parallel = positive(argv, "--parallel", 1);
const channel = (value(argv, "--channel") ?? "sms") as "sms" | "email";
if (channel !== "sms" && channel !== "email") throw new Error("--channel: sms or email");
const planCacheMode = (value(argv, "--plan-cache-mode") ?? DEFAULT_PLAN_CACHE_MODE) as PlanCacheMode;
if (!PLAN_CACHE_MODES.includes(planCacheMode))
  throw new Error(`--plan-cache-mode: one of ${PLAN_CACHE_MODES}`);

async function applyVariants(h: DbHandle): Promise<void> {
  if (variants.has("no-stats")) {
    await h.sql`alter table notifications disable trigger notifications_stats_insert`;
    await h.sql`alter table notifications disable trigger notifications_stats_update`;
  }
  if (variants.has("no-timeline")) {
    await h.sql`create function bench_skip_row() returns trigger language plpgsql as $$ begin return null; end $$`;
    await h.sql`create trigger bench_skip before insert on notification_timeline
      for each row execute function bench_skip_row()`;
  }
}

const name = `herald_bench_pgpath_${randomBytes(4).toString("hex")}`;
const url = await createDatabase(PG_SERVER_URL, name);
const h = createDb(url, { max: parallel, planCacheMode });
try {
  await migrateDatabase(url);
  await applyVariants(h);
  const users = await seedUsers(h, 5000, "p");
  const backendPids = async () =>
    (await h.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`).map(
      (r) => r.pid,
    );
  const backendCpu = (pids: number[]) => pids.reduce((sum, p) => sum + (cpuSeconds(p) ?? 0), 0);
  const steps = new Map<string, number>();
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    steps.set(label, (steps.get(label) ?? 0) + performance.now() - t);
    return out;
  };
  // Each e-mail its own string, built as the framed renderer builds one (frame, content, frame).
  const frameHead = `<!DOCTYPE html><html><head></head><body><div style="display:none">${"\u00a0\u200c\u200b\u200d\u200e\u200f\ufeff".repeat(102)}</div>`;
  const paragraph =
    '<p style="font-size:14px;line-height:24px;margin:16px 0">Your order – 2 items, total 59,90 € – is confirmed.</p>';
  const contentOf = (order: string) =>
    channel === "sms"
      ? { channel: "sms" as const, text: `Order ${order} placed: 59.90 EUR. https://shop.example/o/1` }
      : {
          channel: "email" as const,
          subject: `Order ${order} confirmed`,
          html: `${frameHead}<h1>Order ${order}</h1>${paragraph.repeat(42)}</body></html>`,
          text: `Order ${order} confirmed – 2 items, total 59,90 €. https://shop.example/o/1\n`.repeat(4),
        };
  const one = async (round: number) => {
    const who = Array.from({ length: batch }, (_, i) => users[(round * batch + i) % users.length]!);
    await runNotificationPath(h, who, round, { channel, content: contentOf, step });
  };
  for (let r = 0; r < 20; r++) await one(r); // warm-up: prepared statements, caches
  if (variants.has("analyze")) await h.sql`analyze`;
  steps.clear();
  const rounds = Math.ceil(total / batch / parallel) * parallel;
  await Promise.all(Array.from({ length: parallel }, (_, k) => one(1000 + k))); // open every connection
  const pids = await backendPids();
  const pg0 = backendCpu(pids);
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async (_, k) => {
      for (let r = k; r < rounds; r += parallel) await one(r + 20);
    }),
  );
  const wall = performance.now() - t0;
  const n = rounds * batch;
  const pgUs = ((backendCpu(pids) - pg0) * 1e6) / n;
  const nodeCpu = process.cpuUsage(node0);
  const nodeUs = (nodeCpu.user + nodeCpu.system) / n;
  console.info(
    `${n} ${channel} notifications in batches of ${batch} × ${parallel} at once, ${planCacheMode}${variants.size ? ` (${[...variants].join(", ")})` : ""}: ` +
      `PostgreSQL backend ${pgUs.toFixed(0)} µs CPU per notification, this process ${nodeUs.toFixed(0)} µs, ` +
      `wall ${((wall * 1000) / n).toFixed(0)} µs`,
  );
  for (const [label, ms] of steps) console.info(`  ${label.padEnd(22)} ${((ms * 1000) / n).toFixed(1)} µs`);
  // A plan gone wrong shows as rows read by sequential scans of the tables that grow.
  const scans = await h.sql<{ relname: string; seq_scan: string; seq_tup_read: string }[]>`
    select relname, seq_scan, seq_tup_read from pg_stat_user_tables where seq_tup_read > 0 order by seq_tup_read desc`;
  for (const r of scans)
    console.info(`  seq scans of ${r.relname}: ${r.seq_scan}, ${r.seq_tup_read} rows read`);
} finally {
  await h.close();
  await dropDatabase(PG_SERVER_URL, name);
}
