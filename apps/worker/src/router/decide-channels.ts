import type { DeviceRow, EventRow, NotificationRow, Preferences, RecipientRow } from "@herald/db";
import { type Channel, isRequiredCategory, type SuppressionReason } from "@herald/domain";
import { channelsOf, type NotificationType } from "@herald/templates";

export interface ChannelDecision {
  channels: Channel[];
  /** Channels of the type that get no notification, and why. */
  suppressed: { channel: Channel; reason: SuppressionReason }[];
}

/** Whether the user wants `channel` for this type: the most specific setting wins (type, then category, then channel). */
export function optedIn(
  prefs: Preferences,
  def: { type: string; category: string },
  channel: Channel,
): { ok: boolean; reason?: SuppressionReason } {
  if (isRequiredCategory(def.category)) return { ok: true };
  if (prefs.unsubscribedAll) return { ok: false, reason: "unsubscribed" };
  const type = prefs.types[def.type];
  const category = prefs.categories[def.category];
  if (type?.enabled === false || (type?.enabled !== true && category?.enabled === false)) {
    return { ok: false, reason: "opted_out" };
  }
  const explicit = type?.channels?.[channel] ?? category?.channels?.[channel] ?? prefs.channels[channel];
  return explicit === false ? { ok: false, reason: "opted_out" } : { ok: true };
}

/**
 * Why a notification the router let through must not go out after all, or
 * null: the router's rules on the preferences and suppression list of the
 * moment it is sent. Opted out (required categories never are) as
 * `decideChannels` decides, then a suppressed address as `planChannels`
 * does, for every category. A row held for quiet hours or a `sendAt` may go
 * out days after it was routed, and an opt-out or a bounce in between counts.
 */
export function withdrawnReason(
  notification: Pick<NotificationRow, "type" | "category" | "channel">,
  prefs: Preferences,
  contactSuppressed: boolean,
): SuppressionReason | null {
  const pref = optedIn(prefs, notification, notification.channel);
  if (!pref.ok) return pref.reason!;
  return contactSuppressed ? "bounced_address" : null;
}

export function reachable(channel: Channel, recipient: RecipientRow, devices: DeviceRow[]): boolean {
  switch (channel) {
    case "email":
      return Boolean(recipient.email);
    case "sms":
      return Boolean(recipient.phone);
    case "push":
      return devices.length > 0;
    case "in_app":
      return true;
  }
}

/**
 * SPEC §2 step 2: the type's channels ∩ the event's requested channels ∩
 * opted in ∩ reachable. Required categories (security) ignore opt-outs but
 * still need an address.
 */
export function decideChannels(
  def: NotificationType,
  event: Pick<EventRow, "channels">,
  recipient: RecipientRow,
  prefs: Preferences,
  devices: DeviceRow[],
): ChannelDecision {
  const decision: ChannelDecision = { channels: [], suppressed: [] };
  const requested = event.channels ? new Set(event.channels) : null;
  for (const channel of channelsOf(def)) {
    if (requested && !requested.has(channel)) continue;
    // Its row holds nothing of anyone (even the in-app inbox has no one to read it): a notification
    // made for it would only fail at send time.
    if (recipient.erasedAt) {
      decision.suppressed.push({ channel, reason: "erased" });
      continue;
    }
    const pref = optedIn(prefs, def, channel);
    if (!pref.ok) decision.suppressed.push({ channel, reason: pref.reason! });
    else if (!reachable(channel, recipient, devices))
      decision.suppressed.push({ channel, reason: "unreachable" });
    else decision.channels.push(channel);
  }
  return decision;
}
