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

/** The first run strictly after `after` (and not before the anchor), or null when `endsAt` comes first. */
export function nextRun(window: RunWindow, after: Date): Date | null {
  const next = nextOccurrence(window.rule, after, window.zone, window.anchor);
  return window.endsAt && next.getTime() > window.endsAt.getTime() ? null : next;
}

/**
 * Most occurrences `latestDue` steps over: an hourly rule missed for a year
 * is 8,760. Beyond it the last one found stands for the rest.
 */
const MAX_STEPS = 50_000;

/**
 * The latest occurrence at or before `now`, starting from `due` (a run that
 * is due): `due` itself when the next one is still ahead. A schedule that
 * missed several runs (the system was down) runs once, for this one.
 */
export function latestDue(window: RunWindow, due: Date, now: Date): Date {
  let latest = due;
  for (let i = 0; i < MAX_STEPS; i++) {
    const next = nextRun(window, latest);
    if (!next || next.getTime() > now.getTime()) break;
    latest = next;
  }
  return latest;
}
