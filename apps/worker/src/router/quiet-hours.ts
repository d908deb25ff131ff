import type { QuietHours } from "@herald/db";
import { localMinutes, nextLocalTime, parseHHMM } from "./local-time.ts";

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
