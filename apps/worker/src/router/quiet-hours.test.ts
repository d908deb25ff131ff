import { DEFAULT_PREFERENCES } from "@herald/db";
import { describe, expect, it } from "vitest";
import { inQuietHours, quietHoursEnd, quietRelease } from "./quiet-hours.ts";

const NY = "America/New_York";
const night = { start: "22:00", end: "07:00" };
const at = (iso: string) => new Date(iso);

describe("quiet hours", () => {
  it("wraps midnight: 22:00–07:00 covers 23:30 and 03:00 but not 07:00 or 21:59", () => {
    expect(inQuietHours(night, NY, at("2026-01-16T04:30:00Z"))).toBe(true); // 23:30 EST
    expect(inQuietHours(night, NY, at("2026-01-15T08:00:00Z"))).toBe(true); // 03:00 EST
    expect(inQuietHours(night, NY, at("2026-01-15T12:00:00Z"))).toBe(false); // 07:00 EST
    expect(inQuietHours(night, NY, at("2026-01-16T02:59:00Z"))).toBe(false); // 21:59 EST
  });

  it("handles a same-day window and treats start = end as none", () => {
    const lunch = { start: "12:00", end: "13:30" };
    expect(inQuietHours(lunch, "UTC", at("2026-01-15T12:45:00Z"))).toBe(true);
    expect(inQuietHours(lunch, "UTC", at("2026-01-15T13:30:00Z"))).toBe(false);
    expect(inQuietHours({ start: "09:00", end: "09:00" }, "UTC", at("2026-01-15T09:00:00Z"))).toBe(false);
  });

  it("holds a 03:00 notification until 07:00 local, whatever the offset", () => {
    // Winter (EST, UTC-5): 03:00 → 07:00 is 08:00Z → 12:00Z.
    expect(quietHoursEnd(night, NY, at("2026-01-15T08:00:00Z"))?.toISOString()).toBe(
      "2026-01-15T12:00:00.000Z",
    );
    // Summer (EDT, UTC-4).
    expect(quietHoursEnd(night, NY, at("2026-07-15T07:00:00Z"))?.toISOString()).toBe(
      "2026-07-15T11:00:00.000Z",
    );
  });

  it("is DST-safe on the nights the clocks change", () => {
    // Spring forward (8 March 2026): 03:00 EDT is 07:00Z; 07:00 EDT is 11:00Z.
    expect(quietHoursEnd(night, NY, at("2026-03-08T07:00:00Z"))?.toISOString()).toBe(
      "2026-03-08T11:00:00.000Z",
    );
    // 23:00 EST the night before still waits for 07:00 EDT: 8 hours of wall clock, 7 real hours.
    expect(quietHoursEnd(night, NY, at("2026-03-08T04:00:00Z"))?.toISOString()).toBe(
      "2026-03-08T11:00:00.000Z",
    );
    // Fall back (1 November 2026): 23:00 EDT on the 31st waits 9 real hours, until 07:00 EST = 12:00Z.
    expect(quietHoursEnd(night, NY, at("2026-11-01T03:00:00Z"))?.toISOString()).toBe(
      "2026-11-01T12:00:00.000Z",
    );
  });

  it("ends in the hour clocks go back over at the end's next showing, not a day later", () => {
    const late = { start: "22:00", end: "01:30" };
    // 06:15Z on 1 November 2026 is 01:15 EST, the second pass through 01:xx: 01:30 EST is 06:30Z.
    expect(quietHoursEnd(late, NY, at("2026-11-01T06:15:00Z"))?.toISOString()).toBe(
      "2026-11-01T06:30:00.000Z",
    );
    // The first pass (01:15 EDT, 05:15Z) ends at the first 01:30 (05:30Z).
    expect(quietHoursEnd(late, NY, at("2026-11-01T05:15:00Z"))?.toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
    // Paris, 25 October 2026: 02:15 CET (01:15Z) in 23:00–02:30 ends at 02:30 CET (01:30Z).
    expect(
      quietHoursEnd(
        { start: "23:00", end: "02:30" },
        "Europe/Paris",
        at("2026-10-25T01:15:00Z"),
      )?.toISOString(),
    ).toBe("2026-10-25T01:30:00.000Z");
  });

  it("returns null outside quiet hours or without them", () => {
    expect(quietHoursEnd(night, NY, at("2026-01-15T15:00:00Z"))).toBeNull();
    expect(quietHoursEnd(null, NY, at("2026-01-15T08:00:00Z"))).toBeNull();
  });
});

describe("the release of a held notification under the preferences of now", () => {
  const held = (channel: "email" | "in_app", sendAt: Date | null, timezone: string | null = NY) => ({
    notification: { channel },
    sendAt,
    recipient: { timezone },
    prefs: { ...DEFAULT_PREFERENCES, quietHours: night },
  });
  const channels = ["push", "email", "sms"] as const;

  it("is the end of the quiet hours now is in, else now", () => {
    expect(quietRelease(channels, held("email", null), at("2026-01-15T08:00:00Z")).toISOString()).toBe(
      "2026-01-15T12:00:00.000Z",
    );
    expect(quietRelease(channels, held("email", null, "Europe/London"), at("2026-01-15T08:00:00Z"))).toEqual(
      at("2026-01-15T08:00:00Z"),
    );
  });

  it("counts from a sendAt still ahead, and ignores the quiet hours of a channel they no longer hold", () => {
    const sendAt = at("2026-01-15T16:00:00Z"); // 11:00 EST
    expect(quietRelease(channels, held("email", sendAt), at("2026-01-15T08:00:00Z"))).toEqual(sendAt);
    expect(quietRelease(channels, held("in_app", null), at("2026-01-15T08:00:00Z"))).toEqual(
      at("2026-01-15T08:00:00Z"),
    );
  });
});
