import type { Preferences, QuietHold, QuietHours, RecipientRow } from "@herald/db";
import type { Channel } from "@herald/domain";
import { localMinutes, nextLocalTime, parseHHMM, pickZone } from "@herald/recurrence";

const minutes = (hhmm: string) => {
  const { hour, minute } = parseHHMM(hhmm);
  return hour * 60 + minute;
};

/** Whether `at` falls inside the quiet hours (a window may wrap midnight: 22:00–07:00). */
export function inQuietHours(qh: QuietHours, zone: string, at: Date): boolean {
  const start = minutes(qh.start);
  const end = minutes(qh.end);
  if (start === end) return false;
  const now = localMinutes(at, zone);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * When a non-critical notification due at `at` may go: the end of the quiet
 * hours in the user's zone, or null when `at` is outside them. DST-safe: a
 * 07:00 end is 07:00 on the wall clock whatever the offset did overnight, and
 * an end inside the hour clocks go back over is reached at its next showing
 * (a message due in the repeated hour waits minutes, not a day).
 */
export function quietHoursEnd(qh: QuietHours | null, zone: string, at: Date): Date | null {
  if (!qh || !inQuietHours(qh, zone, at)) return null;
  return nextLocalTime(at, qh.end, zone, { everyShowing: true });
}

/** The zone quiet hours are read in: their own, else the user's, else UTC. */
export function quietZone(recipient: Pick<RecipientRow, "timezone">, prefs: Preferences): string {
  return pickZone(prefs.quietHours?.timezone, recipient.timezone);
}

/**
 * When a notification held for quiet hours may go under the preferences and
 * time zone the user has now, as the router would hold it if it routed the
 * event now: from its `sendAt` if that is still ahead (never earlier), else
 * from `now`, to the end of the quiet hours that time falls in, if any. A
 * channel no longer held back (`QUIET_HOURS_CHANNELS`) goes at that time.
 */
export function quietRelease(
  quietHoursChannels: readonly Channel[],
  hold: Pick<QuietHold, "sendAt" | "prefs"> & {
    notification: { channel: Channel };
    recipient: Pick<RecipientRow, "timezone">;
  },
  now: Date,
): Date {
  const due = hold.sendAt && hold.sendAt.getTime() > now.getTime() ? hold.sendAt : now;
  if (!quietHoursChannels.includes(hold.notification.channel)) return due;
  return quietHoursEnd(hold.prefs.quietHours, quietZone(hold.recipient, hold.prefs), due) ?? due;
}
