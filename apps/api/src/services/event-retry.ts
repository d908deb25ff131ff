import { type EventRow, reopenFailedEvents } from "@herald/db";
import { PRIORITY_RANK, type Priority } from "@herald/domain";
import { ensureJobRuns } from "@herald/jobs";
import type { ApiDeps } from "../deps.ts";

/**
 * Routes a failed event again: an operator's retry once the cause is fixed
 * (a type or template deployed late, a bug fixed). The event goes back to
 * `accepted` first, since routing skips a failed one, with a `route` job of
 * its own (its group's other events are done): its failed job runs again
 * with fresh attempts, or one is added. An event left `accepted` without a
 * job (Redis refused) is what the reconciler routes. Returns the event as
 * reopened, or null when it was not failed.
 */
export async function retryFailedEvent(deps: ApiDeps, event: EventRow): Promise<EventRow | null> {
  const [reopened] = await reopenFailedEvents(deps.db, [event.id], { ownJob: true });
  if (!reopened) return null;
  const priority = PRIORITY_RANK[event.priority as Priority] ?? PRIORITY_RANK.normal;
  const { queue, state } = await deps.queues.locate("events", event.id, priority);
  await ensureJobRuns(
    queue,
    event.id,
    () => deps.queues.add("events", "route", { eventId: event.id }, { jobId: event.id, priority }),
    state,
  );
  return reopened;
}
