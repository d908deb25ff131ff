import type { DeviceRow, EventRow, NotificationRow, Preferences, RecipientRow } from "@herald/db";
import { type Channel, isRequiredCategory, type OptInSettings, type SuppressionReason } from "@herald/domain";
import { type ConditionKey, channelsOf, type NotificationType } from "@herald/templates";
import { conditionChecker } from "./condition-check.ts";

/** A type's condition that threw for one channel of one recipient (logged and counted by the caller). */
export interface ConditionError {
  channel: Channel;
  /** The condition that threw: `all` or the channel's own. */
  key: ConditionKey;
  message: string;
}

export interface ChannelDecision {
  channels: Channel[];
  /** Channels of the type that get no notification, and why. */
  suppressed: { channel: Channel; reason: SuppressionReason }[];
  /** The conditions that threw (their channels are in `suppressed` as `condition_error`). */
  conditionErrors: ConditionError[];
}

/**
 * Whether the user wants `channel` for this type: the most specific setting
 * wins (type, then category, then channel). A setting nobody made is a yes,
 * except for what the operator made opt-in (`optIn`): that needs an explicit
 * `true` (`not_opted_in` without one). Required categories ignore both.
 */
export function optedIn(
  prefs: Preferences,
  def: { type: string; category: string },
  channel: Channel,
  optIn: OptInSettings,
): { ok: boolean; reason?: SuppressionReason } {
  if (isRequiredCategory(def.category)) return { ok: true };
  if (prefs.unsubscribedAll) return { ok: false, reason: "unsubscribed" };
  const type = prefs.types[def.type];
  const category = prefs.categories[def.category];
  const enabled = type?.enabled ?? category?.enabled;
  if (enabled === false) return { ok: false, reason: "opted_out" };
  if (enabled == null && (optIn.categories as readonly string[]).includes(def.category)) {
    return { ok: false, reason: "not_opted_in" };
  }
  const explicit = type?.channels?.[channel] ?? category?.channels?.[channel] ?? prefs.channels[channel];
  if (explicit === false) return { ok: false, reason: "opted_out" };
  if (explicit == null && optIn.channels.includes(channel)) return { ok: false, reason: "not_opted_in" };
  return { ok: true };
}

/**
 * Why a notification the router let through must not go out after all, or
 * null: the router's rules on the preferences and suppression list of the
 * moment it is sent. Opted out or not opted in (required categories never
 * are) as `decideChannels` decides, then a suppressed address as
 * `planChannels` does, for every category. A row held for quiet hours or a
 * `sendAt` may go out days after it was routed, and an opt-out, a yes taken
 * back or a bounce in between counts.
 */
export function withdrawnReason(
  notification: Pick<NotificationRow, "type" | "category" | "channel">,
  prefs: Preferences,
  contactSuppressed: boolean,
  optIn: OptInSettings,
): SuppressionReason | null {
  const pref = optedIn(prefs, notification, notification.channel, optIn);
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
 * the type's conditions ∩ opted in ∩ reachable. Required categories
 * (security) ignore opt-outs but still need an address; conditions apply to
 * them (and to critical types) all the same, being the app's own rule. One
 * reason per channel left out, the first that applies in that order after
 * the request: `erased`, `condition` / `condition_error`, `opted_out` /
 * `unsubscribed`, `unreachable`. An erased user's channels are never put to
 * the app's predicates (nothing of the user is left to decide on).
 */
export function decideChannels(
  def: NotificationType,
  event: Pick<EventRow, "channels" | "data">,
  recipient: RecipientRow,
  prefs: Preferences,
  devices: DeviceRow[],
  optIn: OptInSettings,
): ChannelDecision {
  const decision: ChannelDecision = { channels: [], suppressed: [], conditionErrors: [] };
  const requested = event.channels ? new Set(event.channels) : null;
  const condition = recipient.erasedAt ? null : conditionChecker(def, event.data, recipient, devices);
  for (const channel of channelsOf(def)) {
    if (requested && !requested.has(channel)) continue;
    // Its row holds nothing of anyone (even the in-app inbox has no one to read it): a notification
    // made for it would only fail at send time.
    if (recipient.erasedAt) {
      decision.suppressed.push({ channel, reason: "erased" });
      continue;
    }
    const verdict = condition?.(channel);
    if (verdict && !verdict.ok) {
      decision.suppressed.push({ channel, reason: verdict.reason });
      if (verdict.reason === "condition_error")
        decision.conditionErrors.push({ channel, key: verdict.key, message: verdict.message });
      continue;
    }
    const pref = optedIn(prefs, def, channel, optIn);
    if (!pref.ok) decision.suppressed.push({ channel, reason: pref.reason! });
    else if (!reachable(channel, recipient, devices))
      decision.suppressed.push({ channel, reason: "unreachable" });
    else decision.channels.push(channel);
  }
  return decision;
}
