import type { BenchOptions } from "./bench-options.ts";
import { orderPlaced, seedUsers } from "./bench-users.ts";
import { rollupCounts } from "./delivery-stats.ts";
import type { HeraldSystem } from "./herald-system.ts";
import { httpClient } from "./http-load.ts";
import { type MemorySampler, sampleMemory } from "./process-memory.ts";
import { saturate } from "./saturate.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { unsentBacklog } from "./unsent-backlog.ts";

/** Exact, counted once at the end to check the rollup the progress was read from. */
async function sentRows(system: HeraldSystem): Promise<number> {
  const [row] = await system.db.sql<
    { n: string }[]
  >`select count(*) as n from notifications where status = 'SENT'`;
  return Number(row!.n);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Median RSS of each process over the samples taken in [from, to] seconds. */
function rssBetween(memory: MemorySampler, names: string[], from: number, to: number) {
  return Object.fromEntries(
    names.map((n) => [
      n,
      median(
        memory
          .series(n)
          .filter((s) => s.t >= from && s.t <= to)
          .map((s) => s.rssMb),
      ),
    ]),
  );
}

/**
 * Memory flatness: `o.memoryNotifications` notifications (4-channel
 * `order_placed` events in batches, back-pressured) through the dev outbox
 * and inbox. Compares each process's median RSS just after warm-up (10% sent)
 * with its median RSS over the last 10% of the run.
 */
export async function runMemory(system: HeraldSystem, o: BenchOptions): Promise<ScenarioResult> {
  const users = await seedUsers(system.db, 20_000);
  const client = httpClient(system.url, system.apiKey, 8);
  const backlog = await unsentBacklog(system.redis, system.prefix, 4);
  const memory = sampleMemory(system.pids(), 1000);
  const cpuMeter = await system.meterCpu();
  const target = o.memoryNotifications;
  const t0 = performance.now();
  const secs = () => (performance.now() - t0) / 1000;
  let warmAt: number | null = null;
  let stop = false;
  const watcher = (async () => {
    while (!stop) {
      const { sent } = await rollupCounts(system.db).catch(() => ({ sent: 0 }));
      if (warmAt === null && sent >= target / 10) warmAt = secs();
      if (sent >= target) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const load = await saturate({
    client,
    backlog,
    event: (i) => orderPlaced(users[i % users.length]!, i),
    batchSize: 250,
    perEvent: 4,
    concurrency: 2,
    maxBacklog: 8000,
    ms: 30 * 60_000,
    maxEvents: Math.ceil(target / 4),
  });
  await Promise.race([watcher, new Promise((r) => setTimeout(r, 120_000))]);
  stop = true;
  const total = secs();
  memory.stop();
  const cpu = await cpuMeter.stop();
  await backlog.close();
  client.close();
  const names = Object.keys(system.pids());
  const warm = warmAt ?? total / 10;
  const afterWarm = rssBetween(memory, names, warm, warm + Math.max(5, total / 10));
  const atEnd = rssBetween(memory, names, total - Math.max(5, total / 10), total);
  const growth = Object.fromEntries(names.map((n) => [n, atEnd[n]! / afterWarm[n]! - 1]));
  const worst = Math.max(...Object.values(growth));
  const sent = await sentRows(system);
  return {
    id: "memory",
    title: `memory: ${target.toLocaleString("en-US")} notifications (4-channel events, batches)`,
    status: sent >= target ? "ok" : "failed",
    ...(sent >= target ? {} : { note: `only ${sent} sent` }),
    seconds: total,
    eventsPerSec: load.accepted / total,
    notificationsPerSec: (load.accepted * 4) / total,
    sentPerSec: sent / total,
    latency: [],
    peakRssMb: memory.peaks(),
    cpu,
    ...cpuMeter.diagnostics?.(),
    targets: [
      {
        what: "RSS growth after warm-up (worst process)",
        target: "flat (≤ 15%)",
        measured: names.map((n) => `${n} ${afterWarm[n]!.toFixed(0)}→${atEnd[n]!.toFixed(0)} MB`).join(", "),
        met: worst <= 0.15,
      },
    ],
    extra: { afterWarmMb: afterWarm, atEndMb: atEnd, growth, warmAtSeconds: warm, sent },
  };
}
