import { type FakeResend, startFakeResend } from "@herald/fakes";
import type { BenchOptions } from "./bench-options.ts";
import { orderPlaced, seedUsers } from "./bench-users.ts";
import { latencyByPriority, sendRate, waitDrained } from "./delivery-stats.ts";
import type { HeraldSystem } from "./herald-system.ts";
import { httpClient } from "./http-load.ts";
import { sampleMemory } from "./process-memory.ts";
import { saturate } from "./saturate.ts";
import { endSaturatedRun } from "./saturated-run.ts";
import type { ScenarioResult } from "./scenario-result.ts";
import { unsentBacklog } from "./unsent-backlog.ts";

export const SLOW_PROVIDER_MS = 100;
/** E-mail jobs in flight per worker process: enough that 100 ms waits overlap. */
export const SLOW_CONCURRENCY = Number(process.env.BENCH_SLOW_CONCURRENCY ?? 400);

/** The loopback Resend fake answering every request after 100 ms, and the worker environment that uses it. */
export async function startSlowProvider(): Promise<{
  fake: FakeResend;
  env: Record<string, string>;
  stop(): Promise<void>;
}> {
  const fake = await startFakeResend();
  fake.setLatency(SLOW_PROVIDER_MS);
  // The fake remembers every request; forget them so a long run does not fill the bench's heap.
  const forget = setInterval(() => {
    fake.reset();
    fake.setLatency(SLOW_PROVIDER_MS);
  }, 1000);
  return {
    fake,
    env: {
      EMAIL_PROVIDERS: "resend",
      RESEND_API_KEY: "re_bench_key",
      RESEND_BASE_URL: fake.url,
      EMAIL_FROM: "Bench <bench@herald.example>",
      EMAIL_CONCURRENCY: String(SLOW_CONCURRENCY),
      EMAIL_TRACKING: "false",
    },
    async stop() {
      clearInterval(forget);
      await fake.close();
    },
  };
}

/**
 * Scenario 3: every e-mail goes through the Resend SDK to a loopback fake
 * that takes 100 ms per request. Serial sending would cap a worker at 10/s;
 * sends/s here shows how many are in flight at once.
 */
export async function runSlowProvider(system: HeraldSystem, o: BenchOptions): Promise<ScenarioResult> {
  const users = await seedUsers(system.db, 5000);
  const client = httpClient(system.url, system.apiKey, 16);
  const backlog = await unsentBacklog(system.redis, system.prefix, 1);
  // Warm-up: the first e-mails pay for loading the templates and the SDK's
  // first connections; without it a short run measures start-up, not sending.
  await saturate({
    client,
    backlog,
    event: (i) => orderPlaced(users[i % users.length]!, -i, ["email"]),
    batchSize: 100,
    perEvent: 1,
    concurrency: 1,
    maxBacklog: 400,
    ms: o.short ? 1500 : 3000,
  });
  await waitDrained(system.db, 30_000);
  const memory = sampleMemory(system.pids());
  const cpuMeter = await system.meterCpu();
  const start = new Date();
  const load = await saturate({
    client,
    backlog,
    event: (i) => orderPlaced(users[i % users.length]!, i, ["email"]),
    batchSize: 250,
    perEvent: 1,
    concurrency: 2,
    maxBacklog: o.short ? 800 : 4000,
    ms: o.durationS * 1000,
  });
  const end = new Date();
  const { cpu, drained, from, seconds, events, note } = await endSaturatedRun(system, {
    memory,
    cpuMeter,
    backlog,
    client,
    start,
    end,
    durationS: o.durationS,
  });
  const sentPerSec = await sendRate(system.db, from, end);
  return {
    id: "slow",
    title: `3. e-mail through a provider taking ${SLOW_PROVIDER_MS} ms (Resend SDK → loopback fake)`,
    status: "ok",
    ...note,
    seconds,
    eventsPerSec: events / seconds,
    notificationsPerSec: events / seconds,
    sentPerSec,
    latency: await latencyByPriority(system.db, from, end),
    peakRssMb: memory.peaks(),
    cpu,
    ...cpuMeter.diagnostics?.(),
    targets: [
      {
        what: "sends/s with a 100 ms provider",
        target: "≥ 2,000",
        measured: sentPerSec.toFixed(0),
        met: sentPerSec >= 2000,
      },
    ],
    extra: {
      accepted: load.accepted,
      emailConcurrencyPerWorker: SLOW_CONCURRENCY,
      workers: o.workers,
      serialCeiling: (1000 / SLOW_PROVIDER_MS) * o.workers,
      drained,
    },
  };
}
