import {
  contactAddress,
  type DeviceRow,
  type EventRow,
  type Preferences,
  type RecipientRow,
} from "@herald/db";
import type { Channel, SuppressionReason } from "@herald/domain";
import { pickZone } from "@herald/recurrence";
import { type DigestPeriod, digestible, escalationOf, type NotificationType } from "@herald/templates";
import type { WorkerDeps } from "../deps.ts";
import { findDuplicateOf } from "./dedup.ts";
import { digestFlushAt, digestPeriodFor } from "./digest-window.ts";
import { escalationDue } from "./escalation-due.ts";
import { takeFrequencySlot } from "./frequency-cap.ts";
import { quietHoursEnd, quietZone } from "./quiet-hours.ts";

/** What happens to one chosen channel's notification. */
export type ChannelPlan =
  | { kind: "queue" }
  /** `escalation`: a channel the type holds back until its other channels had their time to be read. */
  | { kind: "schedule"; at: Date; reason: "quiet_hours" | "escalation" | null }
  | { kind: "suppress"; reason: SuppressionReason }
  | { kind: "digest"; period: DigestPeriod; flushAt: Date };

export interface PlanInput {
  event: EventRow;
  def: NotificationType;
  recipient: RecipientRow;
  prefs: Preferences;
  devices: DeviceRow[];
  /** Channels `decideChannels` kept (the type's conditions hold, opted in and reachable). */
  channels: Channel[];
  now: Date;
  /** Channels whose address is on the suppression list (looked up in bulk: `loadReach`). */
  bounced: ReadonlySet<Channel>;
}

/** The user's zone for digests and quiet hours: their profile's, else the quiet hours', else UTC. */
export function recipientZone(recipient: RecipientRow, prefs: Preferences): string {
  return pickZone(recipient.timezone, prefs.quietHours?.timezone);
}

/** The (channel, address) pairs the suppression list is checked for. */
export function contactTargets(
  channels: readonly Channel[],
  recipient: RecipientRow,
): { channel: Channel; address: string }[] {
  return channels.flatMap((channel) => {
    const address = contactAddress(channel, recipient);
    return address ? [{ channel, address }] : [];
  });
}

/** When one channel goes, as far as the type's rules and the user's windows decide. */
interface Timing {
  /** When it is due: the event's `sendAt` if ahead, else now; later for an escalation's held channel. */
  dueAt: Date;
  /** The end of the quiet hours `dueAt` falls in, if it does. */
  quietEnd: Date | null;
  /** The digest window it is folded into, if any. */
  period: DigestPeriod | null;
  /** Why it is SCHEDULED when no quiet hours hold it. */
  reason: "escalation" | null;
}

/**
 * SPEC §2 step 2's suppression rules, in order, for each chosen channel:
 * 1. a bounced/complained address → SUPPRESSED `bounced_address`;
 * 2. the same user + type + dedup key within `DEDUP_WINDOW` → SUPPRESSED `duplicate`;
 * then, unless the event or its type is `critical` (which bypasses all three):
 * 3. the category is in daily/weekly digest mode → DIGESTED into that window,
 *    unless the type's digest rules say `never` (then it goes on as if instant);
 * 4. a frequency cap of (user, category, channel) is full → SUPPRESSED `frequency_cap`;
 * 5. the send time falls in quiet hours → SCHEDULED at their end (`quiet_hours`);
 * and finally a future `sendAt` → SCHEDULED, else QUEUED.
 *
 * A type's escalation (`escalation`, never on a critical event) holds its
 * channels back: they are planned after the others, due `after` later
 * (SCHEDULED `escalation`; quiet hours at that time still hold them, to
 * their end), and never digested. When none of the others leaves a
 * notification that can be read (all opted out, unreachable, left out by the
 * type's conditions, suppressed or digested), they are due when the others
 * would have been: waiting would only delay the one message the user gets.
 * A held channel whose own condition is false never gets here.
 */
export async function planChannels(deps: WorkerDeps, input: PlanInput): Promise<Map<Channel, ChannelPlan>> {
  const { event, def, recipient, prefs, channels, now } = input;
  const plans = new Map<Channel, ChannelPlan>();
  if (channels.length === 0) return plans;

  const duplicateOf = await findDuplicateOf(deps, event, now);

  // SPEC §3: critical *types* are never digested, capped or delayed. An event may raise a type to
  // critical; the API keeps a critical type critical, and events it accepted before it did may say less.
  const critical = event.priority === "critical" || def.priority === "critical";
  const sendAt = event.sendAt && event.sendAt.getTime() > now.getTime() ? event.sendAt : null;
  const dueAt = sendAt ?? now;
  // A type that is never folded (its digest rules) goes on as if its category were instant.
  const period = critical || !digestible(def) ? null : digestPeriodFor(prefs, def.category);
  const quietAt = (at: Date) =>
    critical ? null : quietHoursEnd(prefs.quietHours, quietZone(recipient, prefs), at);
  const escalation = escalationOf(def, event.priority);
  const held = channels.filter((c) => escalation?.channels.has(c));
  const first = channels.filter((c) => !held.includes(c));

  const ctx = { deps, input, duplicateOf: duplicateOf !== null, critical, sendAt };
  for (const channel of first)
    plans.set(
      channel,
      await planOne(ctx, channel, { dueAt, quietEnd: quietAt(dueAt), period, reason: null }),
    );
  if (escalation === null || held.length === 0) return plans;
  const due = escalationDue(
    escalation,
    first.map((c) => plans.get(c)!),
    dueAt,
  );
  const heldTiming: Timing = { ...due, quietEnd: quietAt(due.dueAt), period: null };
  for (const channel of held) plans.set(channel, await planOne(ctx, channel, heldTiming));
  return plans;
}

interface PlanContext {
  deps: WorkerDeps;
  input: PlanInput;
  duplicateOf: boolean;
  critical: boolean;
  sendAt: Date | null;
}

async function planOne(ctx: PlanContext, channel: Channel, timing: Timing): Promise<ChannelPlan> {
  const { deps, input, critical } = ctx;
  const { event, def, recipient, prefs, now } = input;
  const { dueAt, quietEnd, period } = timing;
  const held = quietEnd && deps.env.policy.quietHoursChannels.includes(channel) ? quietEnd : null;
  if (input.bounced.has(channel)) return { kind: "suppress", reason: "bounced_address" };
  if (ctx.duplicateOf) return { kind: "suppress", reason: "duplicate" };
  if (period)
    return {
      kind: "digest",
      period,
      flushAt: digestFlushAt(period, prefs, recipientZone(recipient, prefs), dueAt),
    };
  if (
    !critical &&
    !(await takeFrequencySlot(deps.redis, deps.env.queuePrefix, deps.env.policy.frequencyCaps, {
      recipientId: recipient.id,
      category: def.category,
      channel,
      member: event.id,
      now,
      // Counted when it will go out: a send held to Monday must not use up Friday's cap.
      dueAt: held ?? dueAt,
    }))
  )
    return { kind: "suppress", reason: "frequency_cap" };
  if (held) return { kind: "schedule", at: held, reason: "quiet_hours" };
  if (timing.reason) return { kind: "schedule", at: dueAt, reason: timing.reason };
  if (ctx.sendAt) return { kind: "schedule", at: ctx.sendAt, reason: null };
  return { kind: "queue" };
}
