import type { RunOptions } from "@herald/batching";
import { isDatabaseUnavailable, markEventsFailed } from "@herald/db";
import { UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { routeEvent } from "./route-event.ts";
import type { RouterBatches } from "./router-batches.ts";

export interface GroupOutcome {
  /** Events routed now or by an earlier run (their send jobs made sure of). */
  routed: number;
  /** Events that can never be routed (unknown type, missing template, gone): marked failed. */
  failed: number;
}

/**
 * A `route_group` job: every event of the group through `routeEvent` at
 * once, so the router's batches put the whole group in a few statements.
 * Each event succeeds or fails on its own. One that can never be routed is
 * marked failed and the others go on; any other failure (PostgreSQL away, a
 * deadlock) fails the job, whose retry re-runs the group: events already
 * routed then only make sure their send jobs exist.
 */
export async function routeEventGroup(
  deps: WorkerDeps,
  eventIds: string[],
  batches: RouterBatches,
  lane: RunOptions = {},
): Promise<GroupOutcome> {
  const outcomes = await Promise.allSettled(eventIds.map((id) => routeEvent(deps, id, batches, lane)));
  const unrecoverable: { id: string; message: string }[] = [];
  let retryable: unknown = null;
  outcomes.forEach((o, i) => {
    if (o.status === "fulfilled") return;
    if (o.reason instanceof UnrecoverableError) {
      unrecoverable.push({ id: eventIds[i]!, message: o.reason.message });
    } else if (!retryable || isDatabaseUnavailable(o.reason)) {
      // An unreachable database is reported as such: the processor then waits it out.
      retryable = o.reason;
    }
  });
  for (const { id, message } of unrecoverable) {
    deps.logger.warn({ eventId: id, err: message }, "event cannot be routed");
    await markEventsFailed(deps.db, [id], message);
  }
  if (retryable) throw retryable;
  return { routed: eventIds.length - unrecoverable.length, failed: unrecoverable.length };
}
