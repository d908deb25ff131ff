import { analyzeStaleTables } from "@herald/db";
import { DEFAULT_JOB_OPTIONS } from "@herald/jobs";
import type { WorkerDeps } from "../deps.ts";

/** Job scheduler id on the `maintenance` queue. */
export const ANALYZE_SCHEDULER_ID = "analyze";

/**
 * Registers (or with `DATABASE_ANALYZE_INTERVAL=0` removes) the periodic
 * statistics check. One scheduler per prefix in Redis: one run per interval,
 * however many workers.
 */
export async function scheduleStatistics(deps: WorkerDeps): Promise<void> {
  const queue = deps.queues.get("maintenance");
  const every = deps.env.analyzeIntervalMs;
  if (every === 0) {
    await queue.removeJobScheduler(ANALYZE_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    ANALYZE_SCHEDULER_ID,
    { every },
    { name: "analyze", data: {}, opts: DEFAULT_JOB_OPTIONS.maintenance },
  );
}

/** One run: ANALYZE for the tables autovacuum would have analyzed by now. */
export async function runStatistics(deps: WorkerDeps) {
  const result = await analyzeStaleTables(deps.db);
  if (result.analyzed.length)
    deps.logger.info({ tables: result.analyzed }, "analyzed tables autovacuum skips");
  return result;
}
