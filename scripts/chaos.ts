/**
 * `npm run chaos`: the at-least-once promise under real faults. Starts its
 * own PostgreSQL and Redis (AOF), an API process and worker processes,
 * drives a steady load of events through the HTTP API and meanwhile
 * `kill -9`s workers mid-send, restarts Redis and stops PostgreSQL for 10 s.
 * Then it waits for quiescence and compares what the API accepted (202s)
 * with what the provider received:
 *
 *   accepted N, delivered N, lost 0, duplicate sends D
 *
 * Exit code 0 only when nothing was lost and duplicates are ≤ 0.1 %.
 * `npm run chaos -- --help` lists the options (event count, rate/duration…).
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDb } from "@herald/db";
import { createQueues, createRedis } from "@herald/jobs";
import { type Fault, faultPlan, runFaults } from "./chaos/faults.ts";
import { outboxLedger } from "./chaos/ledger.ts";
import { driveLoad } from "./chaos/load.ts";
import { parseChaosOptions } from "./chaos/options.ts";
import { type ChaosSystem, startChaosSystem } from "./chaos/system.ts";
import { EXPECTED_CHANNELS, isQuiescent, tally } from "./chaos/tally.ts";

const repo = resolve(import.meta.dirname, "..");
const options = parseChaosOptions(process.argv.slice(2));
const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
const dir = join(repo, ".herald", "chaos", runId);
const say = (line: string) => console.info(`[chaos] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let system: ChaosSystem | undefined;
// The servers run in their own process groups: never leave them behind.
process.once("exit", () => {
  for (const pid of [
    system?.pg.pid,
    system?.redis.pid,
    ...(system?.workers.map((w) => w.process.pid) ?? []),
  ]) {
    try {
      if (pid) process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const expectedLoadMs = (options.events / options.rate) * 1000;
say(
  `${options.events} events (${EXPECTED_CHANNELS.join(" + ")} each) at ${options.rate.toFixed(0)}/s ` +
    `in requests of ${options.batch} (~${Math.round(expectedLoadMs / 1000)} s), ${options.workers} worker processes, run dir ${dir}`,
);
const started = Date.now();
const crashes: { atS: number; what: string }[] = [];
let loadStartedAt = 0;
const workerEnv: Record<string, string> = options.noRecoveryLookup ? { RECOVERY_LOOKUP: "false" } : {};
system = await startChaosSystem(repo, dir, options.workers, workerEnv, (what) => {
  const atS = (Date.now() - loadStartedAt) / 1000;
  crashes.push({ atS, what });
  say(`+${atS.toFixed(1)}s ${what}`);
});
say(`system up in ${((Date.now() - started) / 1000).toFixed(1)} s: API ${system.apiUrl}`);
const db = createDb(system.databaseUrl, { max: 2, connectTimeout: 2 });
const ledger = outboxLedger(db.sql);

const plan: Fault[] = faultPlan(options);
loadStartedAt = Date.now();
// Our own view of the queues, to time kills while a worker holds send jobs.
const redis = createRedis(system.redis.url, "worker");
redis.on("error", () => {});
const queues = createQueues(redis, "herald");
const faults = runFaults(system, queues, plan, options, loadStartedAt, expectedLoadMs, say);
const load = await driveLoad(
  {
    apiUrl: system.apiUrl,
    apiKey: system.apiKey,
    events: options.events,
    rate: options.rate,
    batch: options.batch,
    runId,
  },
  (r) =>
    say(`load: ${r.accepted.size} accepted, ${r.unavailable} × 503, ${r.networkErrors} connection errors`),
);
const faultLog = await faults;
say(
  `load done in ${(load.durationMs / 1000).toFixed(1)} s: ${load.accepted.size} accepted with ${load.requests} requests ` +
    `(${load.unavailable} answered 503, ${load.networkErrors} connection errors ${JSON.stringify(Object.fromEntries(load.networkErrorKinds))}, ` +
    `all retried with the same idempotency key)` +
    (load.unexpected.size
      ? `, unexpected statuses ${JSON.stringify(Object.fromEntries(load.unexpected))}`
      : "") +
    (load.gaveUp.length ? `, ${load.gaveUp.length} never accepted` : ""),
);

// Quiescence: every accepted event routed, none of its notifications still open, twice in a row.
const eventIds = [...load.accepted.values()];
const settleStarted = Date.now();
let stable = 0;
let open = -1;
while (Date.now() - settleStarted < options.settleTimeoutS * 1000) {
  const q = await isQuiescent(db.sql, eventIds).catch(() => ({ done: false, open: -1 }));
  open = q.open;
  stable = q.done ? stable + 1 : 0;
  if (stable >= 2) break;
  await sleep(2000);
}
const settledS = (Date.now() - settleStarted) / 1000;
say(
  stable >= 2
    ? `quiescent ${settledS.toFixed(1)} s after the load`
    : `NOT quiescent after ${settledS.toFixed(0)} s (${open} still open); counting anyway`,
);

await queues.close();
redis.disconnect();
const t = await tally(db.sql, eventIds, ledger);
// Sends cut off by a kill that the provider turned out to have (RECOVERY_LOOKUP): recorded, not repeated.
const [recovered] = await db.sql<{ n: number }[]>`
  select count(*)::int as n from notification_timeline where status = 'SENT' and detail->>'recovered' = 'true'`;
// Which fault each duplicate followed: its second receipt, against the fault log.
const duplicateTimes =
  t.duplicatedIds.length > 0 && ledger.receiptTimes ? await ledger.receiptTimes(t.duplicatedIds) : new Map();
await db.close();
await system.stop();
if (!options.keep) rmSync(system.pg.dataDir, { recursive: true, force: true });
if (!options.keep) rmSync(join(dir, "redis"), { recursive: true, force: true });

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(3)}%`;
console.info("");
console.info(`faults during the load:`);
for (const f of [...faultLog, ...crashes].sort((a, b) => a.atS - b.atS)) {
  console.info(`  +${f.atS.toFixed(1)}s ${f.what}`);
}
console.info(`counted at: ${ledger.name}`);
console.info(
  `events: ${load.accepted.size} accepted (202); messages: ${t.acceptedMessages} expected ` +
    `(${EXPECTED_CHANNELS.join(" + ")} per event); statuses ${JSON.stringify(t.statuses)}`,
);
if (t.lost > 0) console.info(`undelivered: ${JSON.stringify(t.undeliveredBy)}`);
for (const [id, times] of duplicateTimes) {
  const at = (d: Date | string) => `+${((new Date(d).getTime() - loadStartedAt) / 1000).toFixed(1)}s`;
  console.info(`duplicate: ${id} received at ${times.map(at).join(", ")}`);
}
console.info(
  `sends cut off by a kill and found at the provider instead of re-sent: ${recovered?.n ?? 0}` +
    (options.noRecoveryLookup ? " (lookup off: --no-recovery-lookup)" : ""),
);
if (t.unexpected > 0) console.info(`provider also received ${t.unexpected} messages of events answered 503`);
console.info(
  `accepted ${t.acceptedMessages}, delivered ${t.delivered}, lost ${t.lost}, duplicate sends ${t.duplicateSends} ` +
    `(${pct(t.duplicateSends, t.acceptedMessages)}, ${t.duplicatedNotifications} notifications)`,
);
console.info(`logs: ${join(dir, "logs")}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
const ok = t.lost === 0 && t.duplicateSends <= t.acceptedMessages * 0.001 && load.gaveUp.length === 0;
process.exit(ok ? 0 : 1);
