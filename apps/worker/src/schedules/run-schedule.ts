import {
  advanceSchedule,
  getRecipientById,
  getSchedule,
  insertEvents,
  type ScheduleRow,
  updateSchedule,
} from "@herald/db";
import { PRIORITY_RANK, type Priority } from "@herald/domain";
import { addScheduleRun } from "@herald/jobs";
import { latestDue, nextRun, type RunWindow, runWindowOf } from "@herald/recurrence";
import type { WorkerDeps } from "../deps.ts";

export type ScheduleRunResult =
  | { kind: "gone" | "paused" | "not_due" | "unknown_type" }
  | { kind: "ran"; eventId: string; nextRunAt: string | null }
  | { kind: "already"; eventId: string };

/** The idempotency key of the event a run creates: a retried or duplicated run finds the same event. */
export const scheduleRunKey = (scheduleId: string, runAt: Date) =>
  `schedule:${scheduleId}:${runAt.getTime()}`;

/** A schedule's rule, its zone now (its own, else its recipient's, else UTC) and bounds. */
export async function runWindow(deps: WorkerDeps, s: ScheduleRow): Promise<RunWindow> {
  const recipient = !s.timezone && s.recipientId ? await getRecipientById(deps.db, s.recipientId) : null;
  return runWindowOf(s, recipient?.timezone);
}

/**
 * One run of a schedule, due at `runAt`. Does nothing unless the schedule
 * exists, is not paused and `runAt` is still its next run. Otherwise:
 *
 * 1. records the event through the API's path (`insertEvents`, idempotency
 *    key `schedule:<id>:<runAt>`) and puts its `route` job on the `events`
 *    queue, so it is routed (and a topic fanned out) as any event;
 * 2. advances the schedule in one compare-and-set on `next_run_at = runAt`;
 * 3. adds the next run's job.
 *
 * A crash after 1 repeats 1 on the retry (the same event comes back); one
 * after 2 leaves the next job to the sweep. A run that is late by more than
 * one occurrence (the system was down) runs once, for the latest one missed,
 * and the next run is the first one after now: no catch-up storm.
 */
export async function runSchedule(
  deps: WorkerDeps,
  scheduleId: string,
  runAt: Date,
): Promise<ScheduleRunResult> {
  const s = await getSchedule(deps.db, scheduleId);
  if (!s) return { kind: "gone" };
  if (s.pausedAt) return { kind: "paused" };
  const now = deps.now();
  if (s.nextRunAt?.getTime() !== runAt.getTime()) {
    // A stale or duplicate job. Its schedule moved on: make sure the run it moved on to has its job
    // (a crash between the advance and that add), which the job id keeps to one.
    if (s.nextRunAt && s.nextRunAt > runAt) await addScheduleRun(deps.queues, s.id, s.nextRunAt, now);
    return { kind: "not_due" };
  }
  const def = deps.catalog.get(s.type);
  if (!def) {
    // The type left the catalog since the schedule was made: every run would fail alike.
    await updateSchedule(deps.db, s.id, runAt, { pausedAt: now });
    deps.logger.error(
      { scheduleId: s.id, type: s.type },
      "schedule paused: its type is no longer in the catalog",
    );
    return { kind: "unknown_type" };
  }
  const priority: Priority =
    def.priority === "critical" ? "critical" : ((s.priority as Priority) ?? def.priority);
  const [inserted] = await insertEvents(deps.db, [
    {
      type: s.type,
      userId: s.userId,
      topic: s.topic,
      data: s.data,
      priority,
      channels: s.channels,
      idempotencyKey: scheduleRunKey(s.id, runAt),
      scheduleId: s.id,
      apiKeyId: s.apiKeyId,
    },
  ]);
  const event = inserted!.event;
  // Routing is idempotent, and the job id is the event id: a repeat adds nothing while it waits.
  if (event.status === "accepted") {
    await deps.queues.add(
      "events",
      "route",
      { eventId: event.id },
      { jobId: event.id, priority: PRIORITY_RANK[priority] },
    );
  }
  const window = await runWindow(deps, s);
  const ran = latestDue(window, runAt, now);
  const finished = s.maxRuns !== null && s.runs + 1 >= s.maxRuns;
  const next = finished ? null : nextRun(window, new Date(Math.max(now.getTime(), ran.getTime())));
  if (!(await advanceSchedule(deps.db, s.id, runAt, { eventId: event.id, ranAt: ran, nextRunAt: next }))) {
    return { kind: "already", eventId: event.id };
  }
  if (next) await addScheduleRun(deps.queues, s.id, next, now);
  return { kind: "ran", eventId: event.id, nextRunAt: next?.toISOString() ?? null };
}
