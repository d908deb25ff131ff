import { overdueSchedules } from "@herald/db";
import { addScheduleRun, ensureJobRuns, scheduleRunJobId } from "@herald/jobs";
import type { WorkerDeps } from "../deps.ts";

/** How late a run must be before the sweep adds its job again: a job due now is usually just running. */
export const SCHEDULE_OVERDUE_MS = 60_000;

/** Most schedules one sweep looks at; the rest wait for the next sweep. */
const SWEEP_BATCH = 500;

/**
 * Makes sure every active schedule whose next run is overdue by more than a
 * minute has a job that will run it: Redis lost the job, or a process died
 * between advancing a schedule and adding its next job (or the API could not
 * add the first). A job that waits, is delayed or is running is left alone;
 * a finished or failed one runs again (the run checks the row, so a needless
 * re-run does nothing).
 */
export async function sweepSchedules(deps: WorkerDeps): Promise<{ overdue: number; readded: number }> {
  const now = deps.now();
  const due = await overdueSchedules(deps.db, new Date(now.getTime() - SCHEDULE_OVERDUE_MS), SWEEP_BATCH);
  let readded = 0;
  for (const s of due) {
    const runAt = s.nextRunAt!;
    const jobId = scheduleRunJobId(s.id, runAt);
    const { queue, state } = await deps.queues.locate("digest", jobId);
    if (await ensureJobRuns(queue, jobId, () => addScheduleRun(deps.queues, s.id, runAt, now), state))
      readded++;
  }
  if (readded > 0) deps.logger.warn({ overdue: due.length, readded }, "schedule runs re-added by the sweep");
  return { overdue: due.length, readded };
}
