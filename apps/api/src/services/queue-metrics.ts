import { PRIORITY_RANK } from "@herald/domain";
import type { RedisClient } from "@herald/jobs";
import type { Queue } from "bullmq";

export interface QueueSnapshot {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Seconds the oldest job ready to run has been waiting (0 when none waits). */
  oldestWaitingAgeSeconds: number;
}

const SCORE_STEP = 0x100000000;

/**
 * Counts of one BullMQ queue and the age of its oldest waiting job. Jobs with
 * a priority sit in a sorted set scored `priority × 2³² + counter`, so the
 * oldest job of each priority is the lowest score in its band: a few O(log n)
 * reads, never a scan, even with millions waiting.
 */
async function laneSnapshot(redis: RedisClient, queue: Queue, now: number): Promise<QueueSnapshot> {
  const counts = await queue.getJobCounts("wait", "prioritized", "active", "delayed", "failed");
  const heads = await Promise.all([
    redis.lindex(queue.keys.wait!, -1),
    ...Object.values(PRIORITY_RANK).map((p) =>
      redis
        .zrangebyscore(queue.keys.prioritized!, p * SCORE_STEP, (p + 1) * SCORE_STEP - 1, "LIMIT", 0, 1)
        .then((ids) => ids[0] ?? null),
    ),
  ]);
  let oldest = Number.POSITIVE_INFINITY;
  for (const id of heads) {
    if (!id) continue;
    const [timestamp, delay] = await redis.hmget(queue.toKey(id), "timestamp", "delay");
    const since = Number(timestamp) + (Number(delay) || 0);
    if (Number.isFinite(since)) oldest = Math.min(oldest, since);
  }
  return {
    waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    oldestWaitingAgeSeconds: Number.isFinite(oldest) ? Math.max(0, (now - oldest) / 1000) : 0,
  };
}

/** One queue's snapshot over all its lanes (`Queues.lanes`): counts added, the oldest wait of any. */
export async function queueSnapshot(
  redis: RedisClient,
  lanes: Queue[],
  now = Date.now(),
): Promise<QueueSnapshot> {
  const each = await Promise.all(lanes.map((q) => laneSnapshot(redis, q, now)));
  return {
    waiting: each.reduce((n, s) => n + s.waiting, 0),
    active: each.reduce((n, s) => n + s.active, 0),
    delayed: each.reduce((n, s) => n + s.delayed, 0),
    failed: each.reduce((n, s) => n + s.failed, 0),
    oldestWaitingAgeSeconds: Math.max(...each.map((s) => s.oldestWaitingAgeSeconds)),
  };
}
