import { DEFAULT_JOB_OPTIONS } from "./job-catalog.ts";
import type { Queues } from "./queues.ts";

/** A schedule run's job id: one job per (schedule, run time), whoever adds it. */
export function scheduleRunJobId(scheduleId: string, runAt: Date): string {
  return `${scheduleId}-${runAt.getTime()}`;
}

/**
 * Adds the job of a schedule's run due at `runAt` on the `digest` queue,
 * delayed until then. Adding it again (the API, a run, the sweep) is a no-op
 * while it exists: the job id is deterministic.
 */
export async function addScheduleRun(
  queues: Queues,
  scheduleId: string,
  runAt: Date,
  now: Date,
): Promise<void> {
  await queues.add(
    "digest",
    "schedule_run",
    { scheduleId, runAt: runAt.getTime() },
    {
      ...DEFAULT_JOB_OPTIONS.digest,
      jobId: scheduleRunJobId(scheduleId, runAt),
      delay: Math.max(0, runAt.getTime() - now.getTime()),
    },
  );
}
