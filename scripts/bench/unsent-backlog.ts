import { readSharedMetrics } from "@herald/metrics";
import type { Redis } from "ioredis";

export interface UnsentBacklog {
  /** The producer's events were accepted: `events × perEvent` more notifications to send. */
  accepted(events: number): void;
  /** Notifications offered and not yet sent: the producer's back-pressure signal. */
  waiting(): Promise<number>;
  close(): Promise<void>;
}

async function sentSoFar(redis: Redis, prefix: string): Promise<number> {
  const { latency } = await readSharedMetrics(redis, prefix);
  return latency.reduce((sum, series) => sum + series.counts.reduce((a, b) => a + b, 0), 0);
}

/**
 * Counts notifications rather than jobs: a `route_group` job carries up to
 * 1,000 events and a `send_batch` job up to 100 notifications, so a count of
 * waiting jobs says little about the work waiting. Sends are read from the
 * workers' shared metrics (one HGETALL), counted from the moment this is made.
 */
export async function unsentBacklog(redis: Redis, prefix: string, perEvent: number): Promise<UnsentBacklog> {
  const base = await sentSoFar(redis, prefix);
  let offered = 0;
  return {
    accepted(events) {
      offered += events * perEvent;
    },
    async waiting() {
      return offered - ((await sentSoFar(redis, prefix)) - base);
    },
    async close() {},
  };
}
