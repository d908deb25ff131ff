import { describe, expect, it } from "vitest";
import { latestDue, nextRun } from "./next-run.ts";
import { nextOccurrence, type RecurrenceRule, ruleProblems } from "./recurrence.ts";

const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);
const NY = "America/New_York";
const BERLIN = "Europe/Berlin";

/** The first `n` occurrences after `after`, each computed from the one before, as a schedule advances. */
function runs(rule: RecurrenceRule, after: string, zone: string, n: number, anchor = after): string[] {
  const out: string[] = [];
  let t = at(after);
  for (let i = 0; i < n; i++) {
    t = nextOccurrence(rule, t, zone, at(anchor));
    out.push(iso(t));
  }
  return out;
}

describe("nextOccurrence: frequencies and intervals", () => {
  it("hourly at a minute, every hour and every 3 hours", () => {
    expect(runs({ frequency: "hourly", minute: 15 }, "2026-05-04T10:20:00Z", "UTC", 3)).toEqual([
      "2026-05-04T11:15:00.000Z",
      "2026-05-04T12:15:00.000Z",
      "2026-05-04T13:15:00.000Z",
    ]);
    expect(runs({ frequency: "hourly", interval: 3, minute: 0 }, "2026-05-04T10:00:00Z", "UTC", 3)).toEqual([
      "2026-05-04T13:00:00.000Z",
      "2026-05-04T16:00:00.000Z",
      "2026-05-04T19:00:00.000Z",
    ]);
  });

  it("daily at a local time, and every other day counted from the anchor", () => {
    expect(runs({ frequency: "daily", at: "18:00" }, "2026-05-04T19:00:00Z", BERLIN, 2)).toEqual([
      "2026-05-05T16:00:00.000Z",
      "2026-05-06T16:00:00.000Z",
    ]);
    // Anchored on Monday 4 May: runs 4, 6, 8 May; asked from the 5th, the 6th comes next.
    const rule: RecurrenceRule = { frequency: "daily", interval: 2, at: "09:00" };
    expect(iso(nextOccurrence(rule, at("2026-05-05T12:00:00Z"), "UTC", at("2026-05-04T00:00:00Z")))).toBe(
      "2026-05-06T09:00:00.000Z",
    );
  });

  it("weekly on several days, and every 2 weeks", () => {
    // Monday 4 May 2026.
    expect(
      runs({ frequency: "weekly", days: ["fri", "mon"], at: "09:00" }, "2026-05-04T10:00:00Z", "UTC", 3),
    ).toEqual(["2026-05-08T09:00:00.000Z", "2026-05-11T09:00:00.000Z", "2026-05-15T09:00:00.000Z"]);
    expect(
      runs(
        { frequency: "weekly", interval: 2, days: ["mon"], at: "09:00" },
        "2026-05-04T08:00:00Z",
        "UTC",
        3,
      ),
    ).toEqual(["2026-05-04T09:00:00.000Z", "2026-05-18T09:00:00.000Z", "2026-06-01T09:00:00.000Z"]);
  });

  it("monthly on a day, every 3 months", () => {
    expect(
      runs(
        { frequency: "monthly", interval: 3, dayOfMonth: 10, at: "08:30" },
        "2026-01-01T00:00:00Z",
        "UTC",
        3,
      ),
    ).toEqual(["2026-01-10T08:30:00.000Z", "2026-04-10T08:30:00.000Z", "2026-07-10T08:30:00.000Z"]);
  });

  it("takes its defaults from the anchor", () => {
    // Anchor Wednesday 6 May 2026 14:45 UTC: weekly on Wednesdays at 14:45, first run the anchor itself.
    const anchor = "2026-05-06T14:45:00Z";
    expect(runs({ frequency: "weekly" }, "2026-05-06T14:44:59Z", "UTC", 2, anchor)).toEqual([
      "2026-05-06T14:45:00.000Z",
      "2026-05-13T14:45:00.000Z",
    ]);
    expect(runs({ frequency: "monthly" }, "2026-05-06T14:45:00Z", "UTC", 1, anchor)).toEqual([
      "2026-06-06T14:45:00.000Z",
    ]);
  });

  it("never runs before the anchor", () => {
    const rule: RecurrenceRule = { frequency: "daily", at: "09:00" };
    expect(iso(nextOccurrence(rule, at("2026-05-01T00:00:00Z"), "UTC", at("2026-05-04T10:00:00Z")))).toBe(
      "2026-05-05T09:00:00.000Z",
    );
  });
});

describe("nextOccurrence: month ends and leap years", () => {
  it("runs on the last day of a month without the rule's day", () => {
    expect(
      runs({ frequency: "monthly", dayOfMonth: 31, at: "12:00" }, "2026-01-01T00:00:00Z", "UTC", 4),
    ).toEqual([
      "2026-01-31T12:00:00.000Z",
      "2026-02-28T12:00:00.000Z",
      "2026-03-31T12:00:00.000Z",
      "2026-04-30T12:00:00.000Z",
    ]);
  });

  it("knows 29 February in a leap year", () => {
    expect(
      runs({ frequency: "monthly", dayOfMonth: 30, at: "00:00" }, "2028-02-01T00:00:00Z", "UTC", 2),
    ).toEqual(["2028-02-29T00:00:00.000Z", "2028-03-30T00:00:00.000Z"]);
    expect(
      runs(
        { frequency: "monthly", interval: 12, dayOfMonth: 29, at: "10:00" },
        "2027-02-01T00:00:00Z",
        "UTC",
        2,
      ),
    ).toEqual(["2027-02-28T10:00:00.000Z", "2028-02-29T10:00:00.000Z"]);
  });
});

describe("nextOccurrence: DST", () => {
  it("keeps the local time across both changes in Berlin", () => {
    // Clocks go forward on 29 March 2026 and back on 25 October 2026.
    expect(runs({ frequency: "daily", at: "09:00" }, "2026-03-28T12:00:00Z", BERLIN, 2)).toEqual([
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
    ]);
    expect(runs({ frequency: "daily", at: "09:00" }, "2026-10-24T12:00:00Z", BERLIN, 2)).toEqual([
      "2026-10-25T08:00:00.000Z",
      "2026-10-26T08:00:00.000Z",
    ]);
  });

  it("runs a time inside the spring-forward gap at the first instant after it", () => {
    // Berlin 29 March 2026: 02:00 CET → 03:00 CEST; 02:30 never shows, 03:00 CEST is 01:00Z.
    expect(runs({ frequency: "daily", at: "02:30" }, "2026-03-28T12:00:00Z", BERLIN, 2)).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
    // New York 8 March 2026: 02:00 EST → 03:00 EDT, i.e. 07:00Z.
    expect(runs({ frequency: "daily", at: "02:15" }, "2026-03-07T12:00:00Z", NY, 2)).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-09T06:15:00.000Z",
    ]);
  });

  it("runs a time that shows twice once, at its first showing", () => {
    // New York 1 November 2026: 01:30 at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(runs({ frequency: "daily", at: "01:30" }, "2026-10-31T12:00:00Z", NY, 2)).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
    ]);
    // Berlin 25 October 2026: 02:30 at 00:30Z (CEST) and 01:30Z (CET).
    expect(
      runs({ frequency: "weekly", days: ["sun"], at: "02:30" }, "2026-10-20T00:00:00Z", BERLIN, 2),
    ).toEqual(["2026-10-25T00:30:00.000Z", "2026-11-01T01:30:00.000Z"]);
  });

  it("steps hourly rules in real hours across a change", () => {
    // New York 8 March 2026: 01:15 EST (06:15Z), then 03:15 EDT (07:15Z): one real hour later.
    expect(runs({ frequency: "hourly", minute: 15 }, "2026-03-08T06:00:00Z", NY, 2)).toEqual([
      "2026-03-08T06:15:00.000Z",
      "2026-03-08T07:15:00.000Z",
    ]);
  });
});

describe("nextOccurrence: a zone with a 30-minute offset", () => {
  it("reads times and minutes in Asia/Kolkata (UTC+05:30)", () => {
    expect(runs({ frequency: "daily", at: "09:00" }, "2026-05-04T00:00:00Z", "Asia/Kolkata", 2)).toEqual([
      "2026-05-04T03:30:00.000Z",
      "2026-05-05T03:30:00.000Z",
    ]);
    // Local minute 0 is half past the hour in UTC.
    expect(runs({ frequency: "hourly", minute: 0 }, "2026-05-04T00:00:00Z", "Asia/Kolkata", 2)).toEqual([
      "2026-05-04T00:30:00.000Z",
      "2026-05-04T01:30:00.000Z",
    ]);
  });
});

describe("ruleProblems", () => {
  it("names fields that do not fit the frequency, bad times and unknown zones", () => {
    expect(ruleProblems({ frequency: "daily", at: "09:00", timezone: "Europe/Paris" })).toEqual([]);
    expect(ruleProblems({ frequency: "hourly", at: "09:00" }).map((p) => p.path)).toEqual(["at"]);
    expect(ruleProblems({ frequency: "daily", minute: 5, days: ["mon"] }).map((p) => p.path)).toEqual([
      "minute",
      "days",
    ]);
    expect(ruleProblems({ frequency: "weekly", dayOfMonth: 3 }).map((p) => p.path)).toEqual(["dayOfMonth"]);
    expect(ruleProblems({ frequency: "daily", at: "24:00" }).map((p) => p.path)).toEqual(["at"]);
    expect(ruleProblems({ frequency: "daily", timezone: "Mars/Olympus" }).map((p) => p.path)).toEqual([
      "timezone",
    ]);
  });
});

describe("nextRun and latestDue", () => {
  const window = {
    rule: { frequency: "daily", at: "09:00" } as RecurrenceRule,
    zone: "UTC",
    anchor: at("2026-05-01T00:00:00Z"),
    endsAt: at("2026-05-10T09:00:00Z"),
  };

  it("stops at endsAt, a run exactly at it included", () => {
    expect(iso(nextRun(window, at("2026-05-09T12:00:00Z"))!)).toBe("2026-05-10T09:00:00.000Z");
    expect(nextRun(window, at("2026-05-10T09:00:00Z"))).toBeNull();
  });

  it("finds the latest missed occurrence, no later than now or endsAt", () => {
    const due = at("2026-05-02T09:00:00Z");
    expect(iso(latestDue(window, due, at("2026-05-02T09:00:01Z")))).toBe("2026-05-02T09:00:00.000Z");
    expect(iso(latestDue(window, due, at("2026-05-06T08:00:00Z")))).toBe("2026-05-05T09:00:00.000Z");
    expect(iso(latestDue(window, due, at("2026-06-01T00:00:00Z")))).toBe("2026-05-10T09:00:00.000Z");
  });

  it("finds the latest of an hourly rule missed for a year in a few steps", () => {
    const hourly = {
      rule: { frequency: "hourly", minute: 30 } as RecurrenceRule,
      zone: BERLIN,
      anchor: at("2025-01-01T00:00:00Z"),
    };
    const started = performance.now();
    expect(iso(latestDue(hourly, at("2025-01-01T00:30:00Z"), at("2026-05-04T10:10:00Z")))).toBe(
      "2026-05-04T09:30:00.000Z",
    );
    expect(performance.now() - started).toBeLessThan(200);
    const monthly = {
      rule: { frequency: "monthly", dayOfMonth: 31, at: "09:00" } as RecurrenceRule,
      zone: "UTC",
      anchor: at("2024-01-01T00:00:00Z"),
    };
    expect(iso(latestDue(monthly, at("2024-01-31T09:00:00Z"), at("2026-05-04T00:00:00Z")))).toBe(
      "2026-04-30T09:00:00.000Z",
    );
  });
});
