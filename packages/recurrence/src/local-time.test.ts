import { describe, expect, it } from "vitest";
import { localParts, nextLocalTime, pickZone, zonedTime } from "./local-time.ts";

const NY = "America/New_York";
const iso = (d: Date) => d.toISOString();

describe("zonedTime", () => {
  it("converts wall-clock times with the offset in force that day", () => {
    expect(iso(zonedTime(2026, 1, 15, 9, 0, NY))).toBe("2026-01-15T14:00:00.000Z");
    expect(iso(zonedTime(2026, 7, 15, 9, 0, NY))).toBe("2026-07-15T13:00:00.000Z");
    expect(iso(zonedTime(2026, 7, 15, 9, 0, "Asia/Kolkata"))).toBe("2026-07-15T03:30:00.000Z");
    expect(iso(zonedTime(2026, 7, 15, 9, 0, "UTC"))).toBe("2026-07-15T09:00:00.000Z");
  });

  it("moves a time inside the spring-forward gap past it", () => {
    // 2026-03-08 02:00 EST → 03:00 EDT: 02:30 does not exist in New York.
    expect(iso(zonedTime(2026, 3, 8, 2, 30, NY))).toBe("2026-03-08T07:30:00.000Z"); // 03:30 EDT
    expect(iso(zonedTime(2026, 3, 8, 3, 0, NY))).toBe("2026-03-08T07:00:00.000Z");
  });

  it("takes the first of two identical wall times when clocks fall back", () => {
    // 2026-11-01 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(iso(zonedTime(2026, 11, 1, 1, 30, NY))).toBe("2026-11-01T05:30:00.000Z");
    expect(localParts(new Date("2026-11-01T06:30:00Z"), NY)).toMatchObject({ hour: 1, minute: 30 });
  });
});

describe("nextLocalTime", () => {
  it("finds the next 09:00 local, later today or tomorrow", () => {
    expect(iso(nextLocalTime(new Date("2026-01-15T12:00:00Z"), "09:00", NY))).toBe(
      "2026-01-15T14:00:00.000Z",
    );
    expect(iso(nextLocalTime(new Date("2026-01-15T14:00:00Z"), "09:00", NY))).toBe(
      "2026-01-16T14:00:00.000Z",
    );
  });

  it("keeps 09:00 local across the DST changes (23 and 25 hour days)", () => {
    // Saturday 7 March, 20:00 EST → Sunday 8 March 09:00 EDT is 13:00Z, not 14:00Z.
    expect(iso(nextLocalTime(new Date("2026-03-08T01:00:00Z"), "09:00", NY))).toBe(
      "2026-03-08T13:00:00.000Z",
    );
    // Saturday 31 October, 20:00 EDT → Sunday 1 November 09:00 EST is 14:00Z.
    expect(iso(nextLocalTime(new Date("2026-11-01T00:00:00Z"), "09:00", NY))).toBe(
      "2026-11-01T14:00:00.000Z",
    );
  });

  it("finds a weekday for weekly windows", () => {
    // 2026-03-04 is a Wednesday; the next Monday 09:00 in New York is 9 March (EDT).
    const t = nextLocalTime(new Date("2026-03-04T15:00:00Z"), "09:00", NY, { weekday: 1 });
    expect(iso(t)).toBe("2026-03-09T13:00:00.000Z");
    // On a Monday after 09:00 it is next week's Monday.
    expect(iso(nextLocalTime(new Date("2026-03-09T13:00:00Z"), "09:00", NY, { weekday: 1 }))).toBe(
      "2026-03-16T13:00:00.000Z",
    );
  });
});

describe("pickZone", () => {
  it("uses the first valid zone, else UTC", () => {
    expect(pickZone(null, "Not/AZone", "Europe/Paris")).toBe("Europe/Paris");
    expect(pickZone(undefined, "")).toBe("UTC");
  });
});
