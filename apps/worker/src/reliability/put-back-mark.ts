import type { Logger } from "@herald/logger";
import type { Job } from "bullmq";

/**
 * The job-data field of a channel job put back for a PostgreSQL outage: the
 * job's `attemptsMade` at the put-back. A put-back uses no attempt, so the
 * runs until the next attempt is counted see the same number; after that
 * the mark is stale by itself, and nothing has to remove it.
 */
export const PUT_BACK_FIELD = "putBackAt";

/**
 * Why a run must read the in-flight notes a run before it may have left
 * (`inFlightLogOf`), or null when none can be left:
 * - `taken-over`: its worker died (BullMQ's `stalledCounter`);
 * - `put-back`: it ended with PostgreSQL unreachable (its SENT or failure
 *   write gave up after `STATUS_WRITE_RETRY_MS`, say) and was put back
 *   without counting an attempt ({@link markPutBack}).
 */
export type CutOff = "taken-over" | "put-back";

/** Whether (and why) a run of `job` follows one that may have left notes. No Redis command. */
export function cutOffBefore(job: Job): CutOff | null {
  if (job.stalledCounter > 0) return "taken-over";
  const at = (job.data as Record<string, unknown> | undefined)?.[PUT_BACK_FIELD];
  return typeof at === "number" && at === job.attemptsMade ? "put-back" : null;
}

/**
 * Marks `job` (its data, one Redis command) before it is put back for a
 * PostgreSQL outage, so that its next run reads the notes this one left: a
 * provider that answered while the answer's write could not land may have
 * the message. Nothing is written when the job already carries the mark
 * (a second put-back at the same attempt). A refused write is logged, not
 * thrown: the put-back still goes ahead, and its re-run may fail over.
 */
export async function markPutBack(job: Job, logger: Pick<Logger, "warn">): Promise<void> {
  if (cutOffBefore(job) === "put-back") return;
  try {
    await job.updateData({ ...(job.data as object), [PUT_BACK_FIELD]: job.attemptsMade });
  } catch (err) {
    logger.warn(
      { jobId: job.id, err: (err as Error).message },
      "put-back not marked on the job: its re-run will not read its in-flight notes",
    );
  }
}
