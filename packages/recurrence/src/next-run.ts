import { pickZone } from "./local-time.ts";
import { nextOccurrence, type RecurrenceRule } from "./recurrence.ts";

/** What a schedule's runs follow: its rule, the zone it is read in, and its bounds. */
export interface RunWindow {
  rule: RecurrenceRule;
  zone: string;
  /** Where intervals are counted from and defaults come from: the start, else the creation time. */
  anchor: Date;
  /** No run after this instant (a run exactly at it still happens). */
  endsAt?: Date | null;
}

/** What a stored schedule holds of its window (the database row's fields). */
export interface ScheduleTiming {
  rule: RecurrenceRule;
  /** Its own zone; null: the recipient's. */
  timezone: string | null;
  startsAt: Date | null;
  createdAt: Date;
  endsAt: Date | null;
}

/**
 * A schedule's run window, its zone read now: its own, else the recipient's
 * (`recipientZone`, null for a topic or a user without one), else UTC.
 */
export function runWindowOf(s: ScheduleTiming, recipientZone: string | null | undefined): RunWindow {
  return {
    rule: s.rule,
    zone: pickZone(s.timezone, recipientZone),
    anchor: s.startsAt ?? s.createdAt,
    endsAt: s.endsAt,
  };
}

/** The first run strictly after `after` (and not before the anchor), or null when `endsAt` comes first. */
export function nextRun(window: RunWindow, after: Date): Date | null {
  const next = nextOccurrence(window.rule, after, window.zone, window.anchor);
  return window.endsAt && next.getTime() > window.endsAt.getTime() ? null : next;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The longest gap between two occurrences of one unit of each frequency (a weekly rule's days are within its week). */
const UNIT = { hourly: HOUR, daily: DAY, weekly: 7 * DAY, monthly: 31 * DAY } as const;

/**
 * The latest occurrence at or before `now` (and `endsAt`), starting from
 * `due` (a run that is due): `due` itself when the next one is still ahead.
 * A schedule that missed several runs (the system was down) runs once, for
 * this one. It looks only at the last stretch before `now` that must hold an
 * occurrence (one unit times the interval, plus a day for DST), so an hourly
 * rule missed for a year costs a few steps, not 8,760.
 */
export function latestDue(window: RunWindow, due: Date, now: Date): Date {
  const until = Math.min(now.getTime(), window.endsAt?.getTime() ?? Number.POSITIVE_INFINITY);
  const span = Math.max(1, window.rule.interval ?? 1) * UNIT[window.rule.frequency] + DAY;
  let latest = due;
  if (until - span > due.getTime()) {
    const first = nextRun(window, new Date(until - span));
    if (first && first.getTime() <= until) latest = first;
  }
  for (;;) {
    const next = nextRun(window, latest);
    if (!next || next.getTime() > until) return latest;
    latest = next;
  }
}
