import { purgeExpired } from "@herald/db";
import { DEFAULT_JOB_OPTIONS } from "@herald/jobs";
import type { WorkerDeps } from "../deps.ts";

/** Job scheduler id on the `maintenance` queue (other maintenance jobs use their own ids). */
export const RETENTION_SCHEDULER_ID = "retention";

/**
 * Registers (or updates, or with `RETENTION_DAYS=0` removes) the periodic
 * purge. A BullMQ job scheduler lives in Redis, so however many worker
 * processes call this, one purge job runs per interval.
 */
export async function scheduleRetention(deps: WorkerDeps): Promise<void> {
  const queue = deps.queues.get("maintenance");
  const { days, intervalMs } = deps.env.retention;
  if (days === 0) {
    await queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { every: intervalMs },
    { name: "purge", data: {}, opts: DEFAULT_JOB_OPTIONS.maintenance },
  );
}

/** One retention run: deletes what is older than `RETENTION_DAYS`, in batches, within half an interval. */
export async function runRetention(deps: WorkerDeps) {
  const { days, batchSize, intervalMs } = deps.env.retention;
  if (days === 0) return { skipped: true };
  const now = deps.now();
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const result = await purgeExpired(deps.db, {
    cutoff,
    batchSize,
    deadline: new Date(Date.now() + Math.max(60_000, intervalMs / 2)),
  });
  deps.logger.info({ cutoff: cutoff.toISOString(), ...result }, "retention purge");
  return result;
}
