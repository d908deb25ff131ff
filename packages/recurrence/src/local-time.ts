/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl`, DST-safe:
 * a local time that does not exist (spring forward) moves past the gap, one
 * that exists twice (fall back) means its first occurrence.
 */

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formats.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows `zone` (`Europe/Paris`, `UTC`…). */
export function isTimeZone(zone: string): boolean {
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

/** The first zone that is set and valid, else UTC. */
export function pickZone(...candidates: (string | null | undefined)[]): string {
  return candidates.find((z): z is string => Boolean(z) && isTimeZone(z!)) ?? "UTC";
}

export function localParts(at: Date, zone: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of format(zone).formatToParts(at)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    weekday: WEEKDAYS[out.weekday!]!,
  };
}

/** Offset of `zone` from UTC at `instant`, in ms (New York in winter: -5 h). */
function offsetAt(instant: number, zone: string): number {
  const p = localParts(new Date(instant), zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - (instant - (((instant % 60_000) + 60_000) % 60_000));
}

/**
 * What a wall time inside a spring-forward gap (one that never shows) means:
 * `shift` moves it forward by the gap (02:30 → 03:30 when 02:00 jumps to
 * 03:00); `end` takes the first instant after the gap (03:00).
 */
export type GapPolicy = "shift" | "end";

/**
 * The instants at which the wall clock in `zone` reads the given local time,
 * earliest first: one, or two when clocks go back over it. A time inside a
 * spring-forward gap never shows; `inGap` says which instant stands for it.
 */
function zonedTimes(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  zone: string,
  inGap: GapPolicy = "shift",
): Date[] {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const offsets = [...new Set([offsetAt(wall - 86_400_000, zone), offsetAt(wall + 86_400_000, zone)])];
  const exact = offsets
    .map((o) => wall - o)
    .filter((t) => {
      const p = localParts(new Date(t), zone);
      return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) === wall;
    })
    .sort((a, b) => a - b);
  if (exact.length > 0) return exact.map((t) => new Date(t));
  // In the gap: read the wall time with the offset in force before it.
  const shifted = wall - offsetAt(wall - 86_400_000, zone);
  return [
    new Date(inGap === "shift" ? shifted : gapEnd(wall - offsetAt(wall + 86_400_000, zone), shifted, zone)),
  ];
}

/**
 * The instant the clocks jumped, between `before` (read with the later
 * offset, so before the jump) and `after` (past it): the first whole minute
 * whose offset is the later one. Gaps are an hour or less: a few steps.
 */
function gapEnd(before: number, after: number, zone: string): number {
  const later = offsetAt(after, zone);
  let lo = before;
  let hi = after;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (offsetAt(mid, zone) === later) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The instant at which the wall clock in `zone` reads the given local time.
 * Non-existent times (inside a spring-forward gap) follow `inGap` (default
 * `shift`: moved forward by the gap); ambiguous ones (fall back) resolve to
 * the earlier instant.
 */
export function zonedTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  zone: string,
  inGap: GapPolicy = "shift",
): Date {
  return zonedTimes(year, month, day, hour, minute, zone, inGap)[0]!;
}

export function parseHHMM(value: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m) throw new Error(`not a time HH:MM: "${value}"`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export interface NextLocalTimeOptions {
  /** Only on this ISO weekday (1 = Monday). */
  weekday?: number;
  /**
   * Count a wall time that shows twice (clocks going back) at each showing,
   * not only at its first. Default false: a daily time (a digest) comes once
   * a day. True for the end of a window (quiet hours): a time reached in the
   * repeated hour ends it at its second showing, not a day later.
   */
  everyShowing?: boolean;
}

/**
 * The first instant strictly after `after` at which the wall clock in `zone`
 * reads `hhmm` (on `weekday`, if given). DST-safe: 09:00 stays 09:00 local
 * across a change, so the gap between two such instants may be 23 or 25 hours.
 */
export function nextLocalTime(
  after: Date,
  hhmm: string,
  zone: string,
  options: NextLocalTimeOptions = {},
): Date {
  const { hour, minute } = parseHHMM(hhmm);
  const today = localParts(after, zone);
  for (let i = 0; i <= 8; i++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    if (options.weekday !== undefined && weekday !== options.weekday) continue;
    const times = zonedTimes(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, minute, zone);
    const found = (options.everyShowing ? times : times.slice(0, 1)).find(
      (t) => t.getTime() > after.getTime(),
    );
    if (found) return found;
  }
  throw new Error(`no ${hhmm} in ${zone} within 8 days of ${after.toISOString()}`);
}

/** Minutes since local midnight. */
export function localMinutes(at: Date, zone: string): number {
  const p = localParts(at, zone);
  return p.hour * 60 + p.minute;
}
