import type { BenchOptions } from "./bench-options.ts";
import { passwordReset } from "./bench-users.ts";
import { latencyByPriority, rollupCounts } from "./delivery-stats.ts";
import type { HeraldSystem } from "./herald-system.ts";
import { httpClient, paced } from "./http-load.ts";
import { sampleMemory } from "./process-memory.ts";
import { type ScenarioResult, skipped } from "./scenario-result.ts";

const TITLE = (n: number) =>
  `5. fan-out: one weekly_promo event to a topic of ${n.toLocaleString("en-US")} subscribers`;
const TOPIC = "bench-all";
const PAGE = 1000;
/** Critical password resets per second while the fan-out's sends flood the e-mail queue. */
const CRITICAL_PER_SEC = 2;

/** The same figures counted from the rows, once at the end, to check the rollup agreed. */
async function countRows(system: HeraldSystem, since: Date) {
  const [row] = await system.db.sql<{ created: string; sent: string }[]>`
    select count(*) as created, count(sent_at) as sent from notifications
    where created_at >= ${since.toISOString()}::timestamptz and type = 'weekly_promo'`;
  return { created: Number(row!.created), sent: Number(row!.sent) };
}

/**
 * Scenario 5: `o.fanout` subscribers (each with an e-mail address) are added
 * to a topic through the API in pages of 1,000, then one event addressed to
 * the topic is POSTed. Measures the time until every notification exists and
 * until every one is sent, and the API's and workers' peak RSS meanwhile.
 * Meanwhile subscribers get critical password-reset e-mails, whose
 * accept→sent latency shows whether the flood delays them (SPEC: it must not).
 * Skipped (never estimated) when the topics API is not there.
 */
export async function runFanout(system: HeraldSystem, o: BenchOptions): Promise<ScenarioResult> {
  const client = httpClient(system.url, system.apiKey, 8);
  try {
    const page = (p: number) =>
      Array.from({ length: Math.min(PAGE, o.fanout - p * PAGE) }, (_, i) => {
        const n = p * PAGE + i + 1;
        return { userId: `f${n}`, email: `f${n}@bench.example` };
      });
    const s0 = performance.now();
    // The first page doubles as the probe: no topics API, no fan-out figures.
    const probe = await client.post(`/v1/topics/${TOPIC}/subscribers`, { subscribers: page(0) });
    if (probe.status === 404 || probe.status === 405) {
      return skipped("fanout", TITLE(o.fanout), "skipped: topics API not available");
    }
    if (probe.status >= 300) {
      return skipped(
        "fanout",
        TITLE(o.fanout),
        `skipped: subscribing answered ${probe.status} ${JSON.stringify(probe.body)}`,
      );
    }
    const pages = Math.ceil(o.fanout / PAGE);
    let nextPage = 1;
    const lane = async () => {
      while (nextPage < pages) {
        const p = nextPage++;
        const res = await client.post(`/v1/topics/${TOPIC}/subscribers`, { subscribers: page(p) });
        if (res.status >= 300)
          throw new Error(`subscribe page ${p}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    const subscribeSeconds = (performance.now() - s0) / 1000;
    // Memory before the event (after subscribing) is the baseline the fan-out adds to.
    const before = sampleMemory(system.pids());
    const baselineMb = before.now();
    before.stop();
    const memory = sampleMemory(system.pids(), 250);
    const cpuMeter = await system.meterCpu();

    const since = new Date(Date.now() - 1000);
    const t0 = performance.now();
    const res = await client.post("/v1/events", {
      type: "weekly_promo",
      topic: TOPIC,
      data: {
        headline: "Autumn sale",
        body: "Everything 20% off this week.",
        ctaUrl: "https://shop.example/sale",
      },
    });
    if (res.status !== 202) throw new Error(`topic event: ${res.status} ${JSON.stringify(res.body)}`);
    const stopCritical = new AbortController();
    const critical = paced(
      CRITICAL_PER_SEC,
      Number.POSITIVE_INFINITY,
      (i) => client.post("/v1/events", passwordReset(`f${1 + ((i * 7919) % o.fanout)}`, ["email"])),
      16,
      stopCritical.signal,
    );
    const expected = o.fanout;
    let createdAt: number | null = null;
    let sentAt: number | null = null;
    let last = { created: 0, sent: 0 };
    const limitMs = 180_000;
    while (performance.now() - t0 < limitMs) {
      last = await rollupCounts(system.db, "weekly_promo");
      const t = (performance.now() - t0) / 1000;
      if (createdAt === null && last.created >= expected) createdAt = t;
      if (last.sent >= expected) {
        sentAt = t;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    stopCritical.abort();
    await critical;
    memory.stop();
    const cpu = await cpuMeter.stop();
    const counted = await countRows(system, since);
    const disagree =
      counted.created !== last.created || counted.sent !== last.sent
        ? `stats rollup said ${last.created} created / ${last.sent} sent, the rows ${counted.created} / ${counted.sent}`
        : null;
    const crit = (await latencyByPriority(system.db, since, new Date())).find(
      (l) => l.priority === "critical",
    );
    const peaks = memory.peaks();
    const maxRss = Math.max(...Object.values(peaks));
    const total = sentAt ?? (performance.now() - t0) / 1000;
    return {
      id: "fanout",
      title: TITLE(o.fanout),
      status: sentAt === null || disagree ? "failed" : "ok",
      ...(sentAt === null
        ? {
            note: `only ${last.created} created / ${last.sent} sent of ${expected} after ${limitMs / 1000} s`,
          }
        : disagree
          ? { note: disagree }
          : {}),
      seconds: total,
      eventsPerSec: 0,
      notificationsPerSec: last.created / total,
      sentPerSec: last.sent / total,
      latency: crit ? [crit] : [],
      peakRssMb: peaks,
      cpu,
      ...cpuMeter.diagnostics?.(),
      targets: [
        {
          what: `${o.fanout.toLocaleString("en-US")} created and sent`,
          target: "≤ 60 s",
          measured:
            sentAt === null
              ? `not done in ${limitMs / 1000} s`
              : `${sentAt.toFixed(1)} s (created in ${createdAt?.toFixed(1)} s)`,
          met: sentAt !== null && sentAt <= 60,
        },
        {
          what: "API and worker peak RSS during fan-out",
          target: "< 300 MB",
          measured: `${maxRss.toFixed(0)} MB (before the event: ${Math.max(...Object.values(baselineMb)).toFixed(0)} MB)`,
          met: maxRss < 300,
        },
        {
          what: `critical e-mails (${CRITICAL_PER_SEC}/s) accept→sent p99 during the fan-out`,
          target: "reported (SPEC: a marketing flood must not delay a password reset)",
          measured: crit
            ? `${crit.p99.toFixed(0)} ms (p50 ${crit.p50.toFixed(0)} ms, ${crit.count} sent)`
            : "none sent",
          met: null,
        },
      ],
      extra: {
        subscribeSeconds,
        subscribers: expected,
        createdSeconds: createdAt,
        sentSeconds: sentAt,
        rssBeforeEventMb: baselineMb,
        rssHighWaterMb: memory.highWater(),
      },
    };
  } finally {
    client.close();
  }
}
