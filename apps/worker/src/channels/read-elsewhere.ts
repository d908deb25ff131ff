import { type NotificationRow, type QuietHold, suppressIfReadElsewhere } from "@herald/db";
import type { NotificationStatus } from "@herald/domain";
import { releaseFrequencySlots } from "@herald/jobs";
import { escalationOf } from "@herald/templates";
import type { WorkerDeps } from "../deps.ts";

/**
 * How long the row's escalation holds it back (ms), or null when its type's
 * escalation does not hold its channel: by the catalog and the row's
 * priority, as the router decided. A critical event's rows were never held,
 * so they are never withdrawn either.
 */
function heldFor(deps: WorkerDeps, n: Pick<NotificationRow, "type" | "channel" | "priority">): number | null {
  const def = deps.catalog.get(n.type);
  const escalation = def ? escalationOf(def, n.priority) : null;
  return escalation?.channels.has(n.channel) ? escalation.afterMs : null;
}

/**
 * A quiet-hours hold as its release is decided (`quietRelease` never goes
 * before `sendAt`): for an escalation's held channel, `sendAt` is moved to
 * when the escalation itself allows it, the time its siblings went (the
 * event's `sendAt` if it was ahead, else when it was routed) + `after`, so
 * quiet hours cleared or shortened never send the held message before its
 * siblings had their time to be read. (One the router let go at once, as
 * nothing else could be read, is then held `after` longer than it would
 * have been: only when its quiet hours change, and a delay, not a send.)
 */
export function withEscalationFloor<H extends Pick<QuietHold, "notification" | "sendAt">>(
  deps: WorkerDeps,
  hold: H,
): H {
  const afterMs = heldFor(deps, hold.notification);
  if (afterMs === null) return hold;
  const routed = hold.notification.createdAt.getTime();
  const first = hold.sendAt && hold.sendAt.getTime() > routed ? hold.sendAt.getTime() : routed;
  return { ...hold, sendAt: new Date(first + afterMs) };
}

/**
 * Before an escalation's held notification goes out: if the recipient read
 * one of the event's other notifications meanwhile, it ends SUPPRESSED
 * `read_elsewhere` (no provider call, no attempt used). The check and the
 * write are one statement guarded by `waiting`, so a row sent, canceled or
 * suppressed at the same moment is left alone. Its frequency-cap slot is
 * given back, as a cancel's is: the user never got it. True when it was
 * withdrawn.
 */
export async function withdrawIfReadElsewhere(
  deps: WorkerDeps,
  n: Pick<NotificationRow, "id" | "type" | "channel" | "priority" | "recipientId" | "category" | "eventId">,
  waiting: readonly NotificationStatus[],
): Promise<boolean> {
  if (heldFor(deps, n) === null) return false;
  const read = await suppressIfReadElsewhere(deps.db, n.id, {
    from: waiting,
    at: deps.now(),
    detail: { stage: "send" },
  });
  // A slot left behind only counts a message too many until its window ends: not worth failing the job.
  if (read)
    await releaseFrequencySlots(deps.redis, deps.env.queuePrefix, [n]).catch((err: Error) =>
      deps.logger.warn({ notificationId: n.id, err: err.message }, "frequency slot not given back"),
    );
  return read;
}
