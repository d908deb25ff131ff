import { CHANNELS, PRIORITY_RANK } from "@herald/domain";
import type { QueueName } from "./job-catalog.ts";

/**
 * Where a queue's jobs wait. Critical jobs of the routing and channel queues
 * wait in a queue of their own (`<queue>_critical`), consumed by workers of
 * their own: BullMQ hands a worker the highest-priority job only when one of
 * its concurrency slots frees, and under a backlog every slot holds a long
 * normal job (a route group of hundreds of events, a send batch of 100), so
 * a password reset would still wait for one of those to finish.
 */
export type Lane = "normal" | "critical";

/** Queues whose critical jobs have a lane of their own. */
export const LANED_QUEUES: readonly QueueName[] = ["events", ...CHANNELS];

export function hasCriticalLane(queue: QueueName): boolean {
  return LANED_QUEUES.includes(queue);
}

/** A queue's lanes: the normal one, and the critical one where it has one. */
export function lanesOf(queue: QueueName): Lane[] {
  return hasCriticalLane(queue) ? ["normal", "critical"] : ["normal"];
}

/**
 * The lane a job with this BullMQ priority (a `PRIORITY_RANK`) is added to on
 * `queue`. `criticalLanes`: the queues whose critical jobs use their lane
 * (default all that have one); a producer leaves out a rate-limited channel,
 * whose limiter BullMQ keeps per queue: its critical jobs stay first in line
 * behind the one limiter.
 */
export function laneFor(
  queue: QueueName,
  priority: number | undefined,
  criticalLanes: readonly QueueName[] = LANED_QUEUES,
): Lane {
  return priority === PRIORITY_RANK.critical && hasCriticalLane(queue) && criticalLanes.includes(queue)
    ? "critical"
    : "normal";
}

/** The BullMQ queue name (before hash-tagging) of a queue's lane. */
export function laneQueueName(queue: QueueName, lane: Lane): string {
  return lane === "critical" ? `${queue}_critical` : queue;
}
