import {
  contactAddress,
  type DeviceRow,
  type EventRow,
  type Preferences,
  type RecipientRow,
} from "@herald/db";
import type { Channel, SuppressionReason } from "@herald/domain";
import { type DigestPeriod, digestible, type NotificationType } from "@herald/templates";
import type { WorkerDeps } from "../deps.ts";
import { findDuplicateOf } from "./dedup.ts";
import { digestFlushAt, digestPeriodFor } from "./digest-window.ts";
import { takeFrequencySlot } from "./frequency-cap.ts";
import { pickZone } from "./local-time.ts";
import { quietHoursEnd, quietZone } from "./quiet-hours.ts";

/** What happens to one chosen channel's notification. */
export type ChannelPlan =
  | { kind: "queue" }
  | { kind: "schedule"; at: Date; reason: "quiet_hours" | null }
  | { kind: "suppress"; reason: SuppressionReason }
  | { kind: "digest"; period: DigestPeriod; flushAt: Date };

export interface PlanInput {
  event: EventRow;
  def: NotificationType;
  recipient: RecipientRow;
  prefs: Preferences;
  devices: DeviceRow[];
  /** Channels `decideChannels` kept (opted in and reachable). */
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
 */
export async function planChannels(deps: WorkerDeps, input: PlanInput): Promise<Map<Channel, ChannelPlan>> {
  const { event, def, recipient, prefs, channels, now } = input;
  const plans = new Map<Channel, ChannelPlan>();
  if (channels.length === 0) return plans;

  const { bounced } = input;
  const duplicateOf = await findDuplicateOf(deps, event, now);

  // SPEC §3: critical *types* are never digested, capped or delayed. An event may raise a type to
  // critical; the API keeps a critical type critical, and events it accepted before it did may say less.
  const critical = event.priority === "critical" || def.priority === "critical";
  const sendAt = event.sendAt && event.sendAt.getTime() > now.getTime() ? event.sendAt : null;
  const dueAt = sendAt ?? now;
  // A type that is never folded (its digest rules) goes on as if its category were instant.
  const period = critical || !digestible(def) ? null : digestPeriodFor(prefs, def.category);
  const quietEnd = critical ? null : quietHoursEnd(prefs.quietHours, quietZone(recipient, prefs), dueAt);

  for (const channel of channels) {
    const held = quietEnd && deps.env.policy.quietHoursChannels.includes(channel) ? quietEnd : null;
    if (bounced.has(channel)) {
      plans.set(channel, { kind: "suppress", reason: "bounced_address" });
    } else if (duplicateOf) {
      plans.set(channel, { kind: "suppress", reason: "duplicate" });
    } else if (period) {
      plans.set(channel, {
        kind: "digest",
        period,
        flushAt: digestFlushAt(period, prefs, recipientZone(recipient, prefs), dueAt),
      });
    } else if (
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
    ) {
      plans.set(channel, { kind: "suppress", reason: "frequency_cap" });
    } else if (held) {
      plans.set(channel, { kind: "schedule", at: held, reason: "quiet_hours" });
    } else if (sendAt) {
      plans.set(channel, { kind: "schedule", at: sendAt, reason: null });
    } else {
      plans.set(channel, { kind: "queue" });
    }
  }
  return plans;
}
