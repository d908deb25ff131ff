import type { Cluster, Redis } from "ioredis";

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
// kinds) or the catalog's type names, except provider names, which are cleaned so they cannot break the field format.
const clean = (v: string) => v.replace(/[|\s]/g, "_").slice(0, 64) || "unknown";

export interface SharedMetricsWriter {
  jobCompleted(queue: string): Promise<void>;
  jobFailed(queue: string, final: boolean): Promise<void>;
  providerError(provider: string, kind: string): Promise<void>;
  /** A request to `provider` waited for its account's `<PROVIDER>_RATE_LIMIT` (`paced`) or was refused by it (`refused`). */
  providerThrottled(provider: string, outcome: string): Promise<void>;
  /** A normal-lanes process started serving a critical lane nobody was serving. */
  criticalStandIn(queue: string): Promise<void>;
  /** `count` recipients' channels left out because the type's condition for `channel` threw. */
  conditionErrors(type: string, channel: string, count: number): Promise<void>;
  sendLatency(channel: string, priority: string, seconds: number): Promise<void>;
  /** Writes what is buffered now (every writer's promise settles with its flush). */
  flush(): Promise<void>;
}

export interface SharedMetricsWriterOptions {
  /**
   * Increments made within this many ms go to Redis in one pipeline (summed
   * per field), instead of a round trip or two per job: at thousands of jobs
   * a second the per-job writes cost more than the jobs' own Redis work.
   * Default 100; 0 writes every increment on the next tick.
   */
  flushMs?: number;
}

/** Fields of the shared hash and their pending increments; flushed together. */
export function sharedMetricsWriter(
  redis: Redis | Cluster,
  prefix: string,
  options: SharedMetricsWriterOptions = {},
): SharedMetricsWriter {
  const key = metricsKey(prefix);
  const flushMs = options.flushMs ?? 100;
  let ints = new Map<string, number>();
  let floats = new Map<string, number>();
  let waiting: { resolve(): void; reject(err: unknown): void }[] = [];
  let timer: NodeJS.Timeout | null = null;

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const [i, f, w] = [ints, floats, waiting];
    ints = new Map();
    floats = new Map();
    waiting = [];
    if (i.size === 0 && f.size === 0) {
      for (const x of w) x.resolve();
      return;
    }
    const pipe = redis.pipeline();
    for (const [field, by] of i) pipe.hincrby(key, field, by);
    for (const [field, by] of f) pipe.hincrbyfloat(key, field, by);
    try {
      const results = await pipe.exec();
      const failed = results?.find(([err]) => err)?.[0];
      if (failed) throw failed;
      for (const x of w) x.resolve();
    } catch (err) {
      for (const x of w) x.reject(err);
    }
  };
  const add = (intFields: [string, number][], floatFields: [string, number][] = []): Promise<void> => {
    for (const [field, by] of intFields) ints.set(field, (ints.get(field) ?? 0) + by);
    for (const [field, by] of floatFields) floats.set(field, (floats.get(field) ?? 0) + by);
    const done = new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
    // The timer must not keep a finished process alive; close paths call flush().
    timer ??= setTimeout(() => void flush(), flushMs);
    timer.unref?.();
    return done;
  };
  return {
    jobCompleted: (queue) => add([[`jobs_completed|${clean(queue)}`, 1]]),
    jobFailed: (queue, final) => add([[`jobs_failed|${clean(queue)}|${final}`, 1]]),
    providerError: (provider, kind) => add([[`provider_errors|${clean(provider)}|${clean(kind)}`, 1]]),
    providerThrottled: (provider, outcome) =>
      add([[`provider_throttled|${clean(provider)}|${clean(outcome)}`, 1]]),
    criticalStandIn: (queue) => add([[`critical_standins|${clean(queue)}`, 1]]),
    conditionErrors: (type, channel, count) =>
      add([[`condition_errors|${clean(type)}|${clean(channel)}`, count]]),
    sendLatency(channel, priority, seconds) {
      const s = Math.max(0, seconds);
      let bucket = LATENCY_BUCKETS.findIndex((le) => s <= le);
      if (bucket < 0) bucket = LATENCY_BUCKETS.length;
      const series = `${clean(channel)}|${clean(priority)}`;
      return add([[`latency_bucket|${series}|${bucket}`, 1]], [[`latency_sum|${series}`, s]]);
    },
    flush,
  };
}

export interface SharedMetrics {
  jobsCompleted: { queue: string; value: number }[];
  jobsFailed: { queue: string; final: string; value: number }[];
  providerErrors: { provider: string; kind: string; value: number }[];
  providerThrottled: { provider: string; outcome: string; value: number }[];
  criticalStandIns: { queue: string; value: number }[];
  conditionErrors: { type: string; channel: string; value: number }[];
  latency: { channel: string; priority: string; counts: number[]; sum: number }[];
}

/** Everything every worker recorded, in one HGETALL. */
export async function readSharedMetrics(redis: Redis | Cluster, prefix: string): Promise<SharedMetrics> {
  const all = await redis.hgetall(metricsKey(prefix));
  const out: SharedMetrics = {
    jobsCompleted: [],
    jobsFailed: [],
    providerErrors: [],
    providerThrottled: [],
    criticalStandIns: [],
    conditionErrors: [],
    latency: [],
  };
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
    else if (kind === "provider_throttled") out.providerThrottled.push({ provider: a, outcome: b, value });
    else if (kind === "critical_standins") out.criticalStandIns.push({ queue: a, value });
    else if (kind === "condition_errors") out.conditionErrors.push({ type: a, channel: b, value });
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
  out.providerThrottled.sort(byLabels);
  out.criticalStandIns.sort(byLabels);
  out.conditionErrors.sort(byLabels);
  out.latency.sort((x, y) => byLabels({ c: x.channel, p: x.priority }, { c: y.channel, p: y.priority }));
  return out;
}
