import type { RunOptions } from "@herald/batching";
import { isDatabaseUnavailable, markEventsFailed } from "@herald/db";
import { UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { routeEvent } from "./route-event.ts";
import type { RouterBatches } from "./router-batches.ts";

/**
 * Events of one group in the router at once: their rendered content (an
 * e-mail is 5-15 KB) is held until its insert, so a 1,000-event group goes
 * through in parts, each still one set of shared statements.
 */
export const GROUP_CHUNK = 250;

export interface GroupOutcome {
  /** Events routed now or by an earlier run (their send jobs made sure of). */
  routed: number;
  /** Events that can never be routed (unknown type, missing template, gone): marked failed. */
  failed: number;
}

/**
 * A `route_group` job: the group's events through `routeEvent` together
 * (250 at a time), so the router's batches put them in a few statements.
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
  const outcomes: PromiseSettledResult<unknown>[] = [];
  for (let i = 0; i < eventIds.length; i += GROUP_CHUNK) {
    const chunk = eventIds.slice(i, i + GROUP_CHUNK);
    outcomes.push(...(await Promise.allSettled(chunk.map((id) => routeEvent(deps, id, batches, lane)))));
  }
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
