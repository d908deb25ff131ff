import type { Job, Queue } from "bullmq";
import type { JobStateOrUnknown } from "./queues.ts";

/**
 * Makes sure job `id` will run: nothing to do while it waits, is delayed or
 * active; re-added (`add`) when it is gone (lost between a commit and its
 * enqueue, or by Redis, or removed); re-run with fresh attempts when it
 * finished or failed. Its processor checks the row it is about, so a needless
 * re-run is harmless. `known`: the job's state when the caller has just read
 * it (not asked again). True when a job was added or re-run; false when one
 * is already in hand, or moved meanwhile (another reconciler, an operator's
 * retry). Redis being unreachable is thrown, as any other call's.
 */
export async function ensureJobRuns(
  queue: Queue,
  id: string,
  add: () => Promise<void>,
  known?: JobStateOrUnknown,
): Promise<boolean> {
  const state = known ?? (await queue.getJobState(id));
  if (state === "unknown") {
    await add();
    return true;
  }
  if (state !== "completed" && state !== "failed") return false;
  const job: Job | undefined = await queue.getJob(id);
  if (!job) {
    await add();
    return true;
  }
  try {
    await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  } catch (err) {
    // BullMQ's script answered about the job (gone, or no longer in that state): it moved
    // meanwhile and is being handled. Anything else (Redis unreachable) is the caller's to see.
    if (typeof (err as { code?: unknown }).code === "number") return false;
    throw err;
  }
}
