import type { Redis } from "ioredis";

/** Send latency buckets (seconds): sub-second for instant sends up to retries after +30 min. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600] as const;

/**
 * Worker processes are many; Prometheus scrapes the API. So workers add to
 * one Redis hash per Herald (fields `kind|label|label…`) and the API renders
 * it. HINCRBY is atomic, so concurrent workers never lose an increment; a
 * Redis restart resets the counters, which Prometheus handles as a counter reset.
 */
export function metricsKey(prefix: string): string {
  return `${prefix}:{metrics}:shared`;
}

// Label values are from our own enums (queues, channels, priorities, error
// kinds) except provider names, which are cleaned so they cannot break the field format.
const clean = (v: string) => v.replace(/[|\s]/g, "_").slice(0, 64) || "unknown";

export interface SharedMetricsWriter {
  jobCompleted(queue: string): Promise<void>;
  jobFailed(queue: string, final: boolean): Promise<void>;
  providerError(provider: string, kind: string): Promise<void>;
  sendLatency(channel: string, priority: string, seconds: number): Promise<void>;
}

export function sharedMetricsWriter(redis: Redis, prefix: string): SharedMetricsWriter {
  const key = metricsKey(prefix);
  return {
    async jobCompleted(queue) {
      await redis.hincrby(key, `jobs_completed|${clean(queue)}`, 1);
    },
    async jobFailed(queue, final) {
      await redis.hincrby(key, `jobs_failed|${clean(queue)}|${final}`, 1);
    },
    async providerError(provider, kind) {
      await redis.hincrby(key, `provider_errors|${clean(provider)}|${clean(kind)}`, 1);
    },
    async sendLatency(channel, priority, seconds) {
      const s = Math.max(0, seconds);
      let bucket = LATENCY_BUCKETS.findIndex((le) => s <= le);
      if (bucket < 0) bucket = LATENCY_BUCKETS.length;
      const series = `${clean(channel)}|${clean(priority)}`;
      await redis
        .pipeline()
        .hincrby(key, `latency_bucket|${series}|${bucket}`, 1)
        .hincrbyfloat(key, `latency_sum|${series}`, s)
        .exec();
    },
  };
}

export interface SharedMetrics {
  jobsCompleted: { queue: string; value: number }[];
  jobsFailed: { queue: string; final: string; value: number }[];
  providerErrors: { provider: string; kind: string; value: number }[];
  latency: { channel: string; priority: string; counts: number[]; sum: number }[];
}

/** Everything every worker recorded, in one HGETALL. */
export async function readSharedMetrics(redis: Redis, prefix: string): Promise<SharedMetrics> {
  const all = await redis.hgetall(metricsKey(prefix));
  const out: SharedMetrics = { jobsCompleted: [], jobsFailed: [], providerErrors: [], latency: [] };
  const latency = new Map<string, SharedMetrics["latency"][number]>();
  const series = (channel: string, priority: string) => {
    const k = `${channel}|${priority}`;
    let s = latency.get(k);
    if (!s) {
      s = { channel, priority, counts: new Array(LATENCY_BUCKETS.length + 1).fill(0), sum: 0 };
      latency.set(k, s);
    }
    return s;
  };
  for (const [field, raw] of Object.entries(all)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const [kind, a = "", b = "", c = ""] = field.split("|");
    if (kind === "jobs_completed") out.jobsCompleted.push({ queue: a, value });
    else if (kind === "jobs_failed") out.jobsFailed.push({ queue: a, final: b, value });
    else if (kind === "provider_errors") out.providerErrors.push({ provider: a, kind: b, value });
    else if (kind === "latency_bucket") {
      const i = Number(c);
      if (Number.isInteger(i) && i >= 0 && i <= LATENCY_BUCKETS.length) series(a, b).counts[i] = value;
    } else if (kind === "latency_sum") series(a, b).sum = value;
  }
  out.latency = [...latency.values()];
  const byLabels = (x: Record<string, unknown>, y: Record<string, unknown>) =>
    JSON.stringify(x) < JSON.stringify(y) ? -1 : 1;
  out.jobsCompleted.sort(byLabels);
  out.jobsFailed.sort(byLabels);
  out.providerErrors.sort(byLabels);
  out.latency.sort((x, y) => byLabels({ c: x.channel, p: x.priority }, { c: y.channel, p: y.priority }));
  return out;
}
