import { isTimeZone, type LocalParts, localParts, parseHHMM, zonedTime } from "./local-time.ts";

export const FREQUENCIES = ["hourly", "daily", "weekly", "monthly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

/** The longest interval a rule takes (in its frequency's units). */
export const MAX_INTERVAL = 1000;

/**
 * When a recurring schedule runs. Every time is wall-clock time in the zone
 * the caller passes to `nextOccurrence` (the rule's `timezone`, else the
 * recipient's, else UTC): 09:00 stays 09:00 across DST changes.
 */
export interface RecurrenceRule {
  frequency: Frequency;
  /** Every `interval` hours/days/weeks/months, counted from the anchor. Default 1. */
  interval?: number;
  /** Local time `HH:MM` (not hourly). Default: the anchor's local time. */
  at?: string;
  /** Minute past each hour, 0–59 (hourly only). Default: the anchor's local minute. */
  minute?: number;
  /** Weekdays it runs on (weekly only). Default: the anchor's weekday. */
  days?: WeekdayName[];
  /**
   * Day of the month, 1–31 (monthly only); a month without that day runs on
   * its last day. Default: the anchor's local day.
   */
  dayOfMonth?: number;
  /** IANA zone the times are in; absent: the recipient's own zone (UTC for a topic). */
  timezone?: string;
}

export interface RuleProblem {
  /** The field at fault, relative to the rule (`at`, `days.1`…). */
  path: string;
  message: string;
}

/** What is wrong with a rule's fields taken together (each field's own shape is the caller's schema's). */
export function ruleProblems(rule: RecurrenceRule): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const only = (field: keyof RecurrenceRule, frequency: Frequency) => {
    if (rule[field] !== undefined && rule.frequency !== frequency)
      problems.push({ path: field, message: `only for frequency "${frequency}"` });
  };
  if (rule.at !== undefined && rule.frequency === "hourly")
    problems.push({ path: "at", message: 'not for frequency "hourly": use minute' });
  only("minute", "hourly");
  only("days", "weekly");
  only("dayOfMonth", "monthly");
  if (rule.at !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(rule.at))
    problems.push({ path: "at", message: "must be a time HH:MM (00:00–23:59)" });
  if (rule.timezone !== undefined && !isTimeZone(rule.timezone))
    problems.push({ path: "timezone", message: "unknown IANA time zone" });
  return problems;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Days since 1970-01-01 of a local calendar date. */
const dayNumber = (p: { year: number; month: number; day: number }) =>
  Date.UTC(p.year, p.month - 1, p.day) / DAY;
const monthNumber = (p: LocalParts) => p.year * 12 + (p.month - 1);
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const pad = (n: number) => String(n).padStart(2, "0");

/** The instant the wall clock reads `hhmm` on local day `day` (DST gaps: the first instant after). */
function wallTime(day: number, hhmm: { hour: number; minute: number }, zone: string): Date {
  const d = new Date(day * DAY);
  return zonedTime(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    hhmm.hour,
    hhmm.minute,
    zone,
    "end",
  );
}

/** The first instant at or after `from` whose local minute is `minute`. */
function firstAtMinute(from: number, minute: number, zone: string): number {
  let t = Math.ceil(from / 60_000) * 60_000;
  for (let i = 0; i < 60; i++, t += 60_000) if (localParts(new Date(t), zone).minute === minute) return t;
  // Only a zone whose offset is not whole minutes gets here; none does today.
  throw new Error(`no minute ${minute} in ${zone} within an hour of ${new Date(from).toISOString()}`);
}

/**
 * The first occurrence of `rule` strictly after `after` and not before
 * `anchor`, in `zone`. The anchor (a schedule's start, or its creation) is
 * where intervals are counted from ("every 2 weeks" = the anchor's week, then
 * every other one) and gives the defaults of `at`, `minute`, `days` and
 * `dayOfMonth`.
 *
 * DST: a local time that does not exist (spring forward) runs at the first
 * instant after the gap; one that exists twice (fall back) runs once, at the
 * first. Hourly rules step in real hours (24 runs on a 24-hour day, 23 on a
 * spring-forward day) at the rule's local minute.
 */
export function nextOccurrence(rule: RecurrenceRule, after: Date, zone: string, anchor: Date = after): Date {
  const interval = Math.max(1, Math.floor(rule.interval ?? 1));
  const a = localParts(anchor, zone);
  const hhmm = parseHHMM(rule.at ?? `${pad(a.hour)}:${pad(a.minute)}`);
  const ok = (t: Date) => t.getTime() > after.getTime() && t.getTime() >= anchor.getTime();
  const from = localParts(after, zone);

  if (rule.frequency === "hourly") {
    const first = firstAtMinute(anchor.getTime(), rule.minute ?? a.minute, zone);
    if (first > after.getTime()) return new Date(first);
    const step = interval * HOUR;
    return new Date(first + (Math.floor((after.getTime() - first) / step) + 1) * step);
  }

  if (rule.frequency === "daily") {
    const start = dayNumber(a);
    const k0 = Math.max(0, Math.floor((dayNumber(from) - start) / interval) - 1);
    for (let k = k0; k < k0 + 4; k++) {
      const t = wallTime(start + k * interval, hhmm, zone);
      if (ok(t)) return t;
    }
  }

  if (rule.frequency === "weekly") {
    const days = [
      ...new Set((rule.days ?? [WEEKDAY_NAMES[a.weekday - 1]!]).map((d) => WEEKDAY_NAMES.indexOf(d))),
    ]
      .filter((i) => i >= 0)
      .sort((x, y) => x - y);
    const startWeek = dayNumber(a) - (a.weekday - 1);
    const fromWeek = dayNumber(from) - (from.weekday - 1);
    const k0 = Math.max(0, Math.floor((fromWeek - startWeek) / 7 / interval) - 1);
    for (let k = k0; k < k0 + 4; k++) {
      for (const offset of days) {
        const t = wallTime(startWeek + k * interval * 7 + offset, hhmm, zone);
        if (ok(t)) return t;
      }
    }
  }

  if (rule.frequency === "monthly") {
    const dom = rule.dayOfMonth ?? a.day;
    const start = monthNumber(a);
    const k0 = Math.max(0, Math.floor((monthNumber(from) - start) / interval) - 1);
    for (let k = k0; k < k0 + 4; k++) {
      const m = start + k * interval;
      const year = Math.floor(m / 12);
      const month = (m % 12) + 1;
      const t = wallTime(
        dayNumber({ year, month, day: Math.min(dom, daysInMonth(year, month)) }),
        hhmm,
        zone,
      );
      if (ok(t)) return t;
    }
  }
  throw new Error(`no ${rule.frequency} occurrence after ${after.toISOString()} in ${zone}`);
}
