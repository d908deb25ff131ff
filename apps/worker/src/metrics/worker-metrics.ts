import { idTime, isId } from "@herald/ids";
import type { RedisClient } from "@herald/jobs";
import type { Logger } from "@herald/logger";
import { sharedMetricsWriter } from "@herald/metrics";

/**
 * What a worker process reports for `GET /metrics`. Every call is
 * fire-and-forget: a metrics write that fails is logged and never fails or
 * slows the job it describes. Increments are summed in memory and written
 * in one pipeline every 100 ms, not a round trip per job.
 */
export interface WorkerMetrics {
  jobCompleted(queue: string): void;
  jobFailed(queue: string, final: boolean): void;
  providerError(provider: string, kind: string): void;
  /** A request waited for its provider account's rate limit (`paced`) or was refused by it (`refused`). */
  providerThrottled(provider: string, outcome: "paced" | "refused"): void;
  /** This normal-lanes process started serving critical lane `queue` (see `startCriticalStandby`). */
  criticalStandIn(queue: string): void;
  /** `count` recipients' `channel` of `type` left out because the type's condition threw (`condition_error`). */
  conditionErrors(type: string, channel: string, count: number): void;
  /** A provider accepted the notification: records accepted → sent latency. */
  sent(
    n: { channel: string; priority: string; eventId: string; scheduledAt: Date | null; createdAt: Date },
    at?: Date,
  ): void;
  /** Writes the buffered increments now (they go out every 100 ms on their own). */
  flush(): Promise<void>;
}

export function createWorkerMetrics(redis: RedisClient, prefix: string, logger: Logger): WorkerMetrics {
  const writer = sharedMetricsWriter(redis, prefix);
  const quiet = (p: Promise<void>) => {
    p.catch((err: Error) => logger.debug({ err: err.message }, "metrics write failed"));
  };
  return {
    jobCompleted: (queue) => quiet(writer.jobCompleted(queue)),
    jobFailed: (queue, final) => quiet(writer.jobFailed(queue, final)),
    providerError: (provider, kind) => quiet(writer.providerError(provider, kind)),
    providerThrottled: (provider, outcome) => quiet(writer.providerThrottled(provider, outcome)),
    criticalStandIn: (queue) => quiet(writer.criticalStandIn(queue)),
    conditionErrors: (type, channel, count) => quiet(writer.conditionErrors(type, channel, count)),
    sent(n, at = new Date()) {
      // Event ids carry the time the API accepted the event; a scheduled send counts from its due time.
      const accepted = isId("evt", n.eventId) ? idTime(n.eventId).getTime() : n.createdAt.getTime();
      const start = Math.max(accepted, n.scheduledAt?.getTime() ?? 0);
      quiet(writer.sendLatency(n.channel, n.priority, (at.getTime() - start) / 1000));
    },
    flush: () => writer.flush().catch(() => {}),
  };
}
