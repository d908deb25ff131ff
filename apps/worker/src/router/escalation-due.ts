import type { Escalation } from "@herald/templates";
import type { ChannelPlan } from "./plan-channels.ts";

/** Plans that leave a notification the recipient can read; the others end suppressed or in a digest. */
export const readable = (plan: ChannelPlan): boolean => plan.kind === "queue" || plan.kind === "schedule";

/**
 * When an escalation's held channels are due, given the plans of the type's
 * other channels (`first`) and when those are due (`dueAt`: the event's
 * `sendAt` if ahead, else now): `after` later, as an `escalation`, if one
 * of them leaves something to read; else with them, since waiting would only
 * delay the one message the user gets. A digested item counts as nothing to
 * read: it is read, if ever, in a digest long after `after`. A channel
 * `decideChannels` left out (a false condition, an opt-out, no address) has
 * no plan in `first` and so counts as nothing to read either.
 */
export function escalationDue(
  escalation: Pick<Escalation, "afterMs">,
  first: Iterable<ChannelPlan>,
  dueAt: Date,
): { dueAt: Date; reason: "escalation" | null } {
  for (const plan of first) {
    if (readable(plan))
      return { dueAt: new Date(dueAt.getTime() + escalation.afterMs), reason: "escalation" };
  }
  return { dueAt, reason: null };
}
