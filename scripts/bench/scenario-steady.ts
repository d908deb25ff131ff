import type { BenchOptions } from "./bench-options.ts";
import { orderPlaced, passwordReset, seedUsers } from "./bench-users.ts";
import {
  latencyByPriority,
  latencyByStage,
  latencyByWindow,
  sentBetween,
  waitDrained,
  windowCounts,
} from "./delivery-stats.ts";
import type { HeraldSystem } from "./herald-system.ts";
import { type HttpClient, httpClient, paced } from "./http-load.ts";
import { percentiles } from "./percentiles.ts";
import { sampleMemory } from "./process-memory.ts";
import type { ScenarioResult } from "./scenario-result.ts";

/** One critical event in this many; the rest are 4-channel `order_placed`. */
const CRITICAL_EVERY = 20;
/** Events sent before the measured run (see runSteady). */
export const WARM_UP_EVENTS = 5000;
/** The issue's accept→sent p99 bar at scenario 1's rate, ms. */
export const CRITICAL_P99_MS = 50;
export const NORMAL_P99_MS = 250;
/** Share of the offered rate the API must accept for a run to count as keeping up. */
export const ACCEPTED_SHARE = 0.97;

/**
 * Scenario 1's mix as a `paced` request maker: the `i`-th single POST is a
 * critical password reset one time in 20, else a 4-channel `order_placed`.
 * `offset` keeps the order ids of one run apart from another's.
 */
export function steadyEvents(client: HttpClient, users: string[]) {
  return (offset: number) => (i: number) => {
    const user = users[(i + offset) % users.length]!;
    const body = i % CRITICAL_EVERY === 0 ? passwordReset(user) : orderPlaced(user, i + offset);
    return client.post("/v1/events", body);
  };
}

/**
 * Scenario 1: a steady `rate` events/s, each a single POST /v1/events (as
 * independent producers send them), for `durationS`. Normal events go to all
 * four channels (push, e-mail, SMS, in-app through the dev outbox/inbox); one
 * in 20 is a critical password reset (e-mail + SMS).
 *
 * The same load runs first for a warm-up (5,000 events, at most 15 s or half
 * the run) and drains: V8 needs thousands of requests through a path before
 * its code is optimised (a do-nothing server's CPU per request falls ~3× over
 * its first 3,000; Herald's latency at 400 events/s settled after ~5,000), and
 * a backlog built while cold would otherwise carry into the measured window of
 * a system that keeps up with little to spare. Everything after the warm-up is
 * measured, and the p99 per 10-s window shows whether latency settles or climbs.
 */
export async function runSteady(system: HeraldSystem, o: BenchOptions): Promise<ScenarioResult> {
  const users = await seedUsers(system.db, 5000);
  const client = httpClient(system.url, system.apiKey, 256);
  const post = steadyEvents(client, users);
  const warmUpS = Math.max(1, Math.min(WARM_UP_EVENTS / o.rate, 15, o.durationS / 2));
  await paced(o.rate, warmUpS, post(1_000_000));
  const warmDrained = await waitDrained(system.db, 60_000);

  const memory = sampleMemory(system.pids());

  const cpuMeter = await system.meterCpu();
  const from = new Date();
  const run = await paced(o.rate, o.durationS, post(0));
  const end = new Date();
  const drained = await waitDrained(system.db, 30_000);
  memory.stop();
  const cpu = await cpuMeter.stop();
  client.close();

  const seconds = (end.getTime() - from.getTime()) / 1000;
  const counts = await windowCounts(system.db, from, end);
  const sent = await sentBetween(system.db, from, end);
  const latency = await latencyByPriority(system.db, from, end);
  const stages = await latencyByStage(system.db, from, end);
  const windows = await latencyByWindow(system.db, from, end, 10);
  const api = percentiles(run.latencies);
  const critical = latency.find((l) => l.priority === "critical");
  const normal = latency.find((l) => l.priority === "normal");
  return {
    id: "steady",
    title: `1. steady ${o.rate} events/s × 4 channels, single POSTs`,
    status: "ok",
    ...(drained && warmDrained
      ? {}
      : {
          note: [
            warmDrained
              ? null
              : "the warm-up's backlog was not drained in 60 s when the measured run started",
            drained ? null : "backlog not drained 30 s after the load stopped",
          ]
            .filter(Boolean)
            .join("; "),
        }),
    seconds,
    eventsPerSec: counts.events / seconds,
    notificationsPerSec: counts.notifications / seconds,
    sentPerSec: sent / seconds,
    latency,
    stages,
    windows,
    api,
    peakRssMb: memory.peaks(),
    cpu,
    ...cpuMeter.diagnostics?.(),
    targets: [
      {
        what: "critical accept→sent p99",
        target: `≤ ${CRITICAL_P99_MS} ms`,
        measured: `${critical?.p99.toFixed(0) ?? "–"} ms`,
        met: !!critical && critical.p99 <= CRITICAL_P99_MS,
      },
      {
        what: "normal accept→sent p99",
        target: `≤ ${NORMAL_P99_MS} ms`,
        measured: `${normal?.p99.toFixed(0) ?? "–"} ms`,
        met: !!normal && normal.p99 <= NORMAL_P99_MS,
      },
      {
        what: "offered rate accepted",
        target: `${o.rate} events/s`,
        measured: `${(counts.events / seconds).toFixed(0)} events/s`,
        met: counts.events / seconds >= o.rate * ACCEPTED_SHARE,
      },
    ],
    extra: { offered: o.rate, warmUpS, statuses: run.statuses, late: run.late, errors: run.errors, drained },
  };
}
