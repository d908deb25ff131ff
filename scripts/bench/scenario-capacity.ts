import type { BenchOptions } from "./bench-options.ts";
import { seedUsers } from "./bench-users.ts";
import { searchCapacity } from "./capacity-search.ts";
import { latencyByPriority, type PriorityLatency, waitDrained, windowCounts } from "./delivery-stats.ts";
import type { HeraldSystem } from "./herald-system.ts";
import { httpClient, paced } from "./http-load.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import {
  ACCEPTED_SHARE,
  CRITICAL_P99_MS,
  NORMAL_P99_MS,
  steadyEvents,
  WARM_UP_EVENTS,
} from "./scenario-steady.ts";

/** Share of a probe's notifications that must be sent once its backlog drained. */
export const SENT_SHARE = 0.999;

/** What one rate of the capacity search measured. */
export interface CapacityProbeResult {
  rate: number;
  /** Both bars met, with the rate accepted and everything sent. */
  pass: boolean;
  /** The normal bar met (critical aside), with the rate accepted and everything sent. */
  normalPass: boolean;
  acceptedPerSec: number;
  sentShare: number;
  /** Whether its backlog drained within 2 minutes, before the next rate started. */
  drained: boolean;
  criticalP99: number | null;
  normalP99: number | null;
}

const p99 = (latency: PriorityLatency[], priority: string) =>
  latency.find((l) => l.priority === priority)?.p99 ?? null;

/**
 * The highest rate of scenario 1's mix (single POSTs, 4 channels, one critical
 * event in 20) that this machine serves within scenario 1's latency bar: p99
 * ≤ 50 ms critical and ≤ 250 ms normal, with the offered rate accepted and its
 * notifications sent by the time the backlog drains. Not part of the default
 * run (`--capacity` or `--scenarios capacity`): it says how far below the
 * 1,000 events/s target the bar is met here, one system warmed once, then one
 * `probeS` run per rate tried (20 s, `--short` 3 s), drained in between. A
 * second search finds the highest rate within the normal bar alone, reusing
 * the rates already measured.
 */
export async function runCapacity(system: HeraldSystem, o: BenchOptions): Promise<ScenarioResult> {
  const users = await seedUsers(system.db, 5000);
  const client = httpClient(system.url, system.apiKey, 256);
  const post = steadyEvents(client, users);
  const probeS = o.short ? 3 : Math.min(20, o.durationS);
  const warmRate = 200;
  await paced(warmRate, o.short ? 2 : WARM_UP_EVENTS / warmRate, post(10_000_000));
  await waitDrained(system.db, 60_000);

  const results: CapacityProbeResult[] = [];
  let offset = 0;
  const measure = async (rate: number): Promise<CapacityProbeResult> => {
    const done = results.find((r) => r.rate === rate);
    if (done) return done;
    const from = new Date();
    const run = await paced(rate, probeS, post(offset));
    offset += run.sent + 1;
    const end = new Date();
    // A rate past the machine's leaves a backlog; the next (lower) rate must not inherit it.
    const drained = await waitDrained(system.db, 120_000);
    const counts = await windowCounts(system.db, from, end);
    const latency = await latencyByPriority(system.db, from, end);
    const critical = p99(latency, "critical");
    const normal = p99(latency, "normal");
    const acceptedPerSec = counts.events / ((end.getTime() - from.getTime()) / 1000);
    const sentShare = counts.notifications > 0 ? counts.sent / counts.notifications : 0;
    const keptUp = acceptedPerSec >= rate * ACCEPTED_SHARE && sentShare >= SENT_SHARE;
    const normalPass = keptUp && normal !== null && normal <= NORMAL_P99_MS;
    const pass = normalPass && critical !== null && critical <= CRITICAL_P99_MS;
    const result = {
      rate,
      pass,
      normalPass,
      acceptedPerSec,
      sentShare,
      drained,
      criticalP99: critical,
      normalP99: normal,
    };
    results.push(result);
    return result;
  };
  const search = { ceiling: o.rate, ...(o.short ? { maxProbes: 3 } : {}) };
  const { best } = await searchCapacity(async (rate) => (await measure(rate)).pass, search);
  // Critical's bar binds first; the normal one alone goes on from what is known (rates measured once).
  const normal = await searchCapacity(async (rate) => (await measure(rate)).normalPass, search);
  client.close();

  const seconds = results.length * probeS;
  return {
    id: "capacity",
    title: `capacity: highest rate of scenario 1's mix within p99 ${CRITICAL_P99_MS} / ${NORMAL_P99_MS} ms`,
    status: "ok",
    seconds,
    eventsPerSec: best,
    notificationsPerSec: 0,
    sentPerSec: 0,
    latency: [],
    peakRssMb: {},
    capacity: [...results].sort((a, b) => a.rate - b.rate),
    targets: [
      {
        what: `highest rate (events/s × 4 channels) with p99 ≤ ${CRITICAL_P99_MS} ms critical and ≤ ${NORMAL_P99_MS} ms normal`,
        target: `≥ ${o.rate} events/s (scenario 1's rate)`,
        measured:
          best > 0
            ? `${best} events/s`
            : `none of the rates tried (lowest ${Math.min(...results.map((r) => r.rate))})`,
        met: best >= o.rate,
      },
      {
        what: `highest rate with p99 ≤ ${NORMAL_P99_MS} ms normal (critical aside)`,
        target: `≥ ${o.rate} events/s`,
        measured: normal.best > 0 ? `${normal.best} events/s` : "none of the rates tried",
        met: normal.best >= o.rate,
      },
    ],
    extra: { probeS, warmRate },
  };
}
