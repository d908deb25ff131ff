import type { BenchOptions } from "./bench-options.ts";
import { orderPlaced, passwordReset, seedUsers } from "./bench-users.ts";
import {
  latencyByPriority,
  latencyByStage,
  sentBetween,
  waitDrained,
  windowCounts,
} from "./delivery-stats.ts";
import type { HeraldSystem } from "./herald-system.ts";
import { httpClient, paced } from "./http-load.ts";
import { percentiles } from "./percentiles.ts";
import { sampleMemory } from "./process-memory.ts";
import type { ScenarioResult } from "./scenario-result.ts";

/** One critical event in this many; the rest are 4-channel `order_placed`. */
const CRITICAL_EVERY = 20;

/**
 * Scenario 1: a steady `rate` events/s, each a single POST /v1/events (as
 * independent producers send them), for `durationS`. Normal events go to all
 * four channels (push, e-mail, SMS, in-app through the dev outbox/inbox); one
 * in 20 is a critical password reset (e-mail + SMS). Latencies are measured
 * on events accepted after a warm-up of a tenth of the run.
 */
export async function runSteady(system: HeraldSystem, o: BenchOptions): Promise<ScenarioResult> {
  const users = await seedUsers(system.db, 5000);
  const client = httpClient(system.url, system.apiKey, 256);
  // Connections and JIT warm before the clock starts.
  for (let i = 0; i < 50; i++) await client.post("/v1/events", orderPlaced(users[i]!, -i));
  await waitDrained(system.db, 30_000);

  const memory = sampleMemory(system.pids());

  const cpuMeter = await system.meterCpu();
  const start = new Date();
  const run = await paced(o.rate, o.durationS, (i) => {
    const user = users[i % users.length]!;
    const body = i % CRITICAL_EVERY === 0 ? passwordReset(user) : orderPlaced(user, i);
    return client.post("/v1/events", body);
  });
  const end = new Date();
  const drained = await waitDrained(system.db, 30_000);
  memory.stop();
  const cpu = await cpuMeter.stop();
  client.close();

  const from = new Date(start.getTime() + (o.durationS * 1000) / 10);
  const seconds = (end.getTime() - from.getTime()) / 1000;
  const counts = await windowCounts(system.db, from, end);
  const sent = await sentBetween(system.db, from, end);
  const latency = await latencyByPriority(system.db, from, end);
  const stages = await latencyByStage(system.db, from, end);
  const api = percentiles(run.latencies);
  const critical = latency.find((l) => l.priority === "critical");
  const normal = latency.find((l) => l.priority === "normal");
  return {
    id: "steady",
    title: `1. steady ${o.rate} events/s × 4 channels, single POSTs`,
    status: "ok",
    ...(drained ? {} : { note: "backlog not drained 30 s after the load stopped" }),
    seconds,
    eventsPerSec: counts.events / seconds,
    notificationsPerSec: counts.notifications / seconds,
    sentPerSec: sent / seconds,
    latency,
    stages,
    api,
    peakRssMb: memory.peaks(),
    cpu,
    ...cpuMeter.diagnostics?.(),
    targets: [
      {
        what: "critical accept→sent p99",
        target: "≤ 50 ms",
        measured: `${critical?.p99.toFixed(0) ?? "–"} ms`,
        met: !!critical && critical.p99 <= 50,
      },
      {
        what: "normal accept→sent p99",
        target: "≤ 250 ms",
        measured: `${normal?.p99.toFixed(0) ?? "–"} ms`,
        met: !!normal && normal.p99 <= 250,
      },
      {
        what: "offered rate accepted",
        target: `${o.rate} events/s`,
        measured: `${(counts.events / seconds).toFixed(0)} events/s`,
        met: counts.events / seconds >= o.rate * 0.97,
      },
    ],
    extra: { offered: o.rate, statuses: run.statuses, late: run.late, errors: run.errors, drained },
  };
}
