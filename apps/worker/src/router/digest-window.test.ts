import { DEFAULT_PREFERENCES, type Preferences } from "@herald/db";
import { describe, expect, it } from "vitest";
import { digestFlushAt, digestPeriodFor } from "./digest-window.ts";

const NY = "America/New_York";
const prefs = (p: Partial<Preferences>): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });

describe("digest windows", () => {
  it("reads the category's mode and never digests a required category", () => {
    const p = prefs({ categories: { marketing: { digest: "daily" }, security: { digest: "weekly" } } });
    expect(digestPeriodFor(p, "marketing")).toBe("daily");
    expect(digestPeriodFor(p, "security")).toBeNull();
    expect(digestPeriodFor(p, "transactional")).toBeNull();
    expect(digestPeriodFor(prefs({ categories: { product: { digest: "instant" } } }), "product")).toBeNull();
  });

  it("closes a daily window at the next 09:00 local by default, across DST", () => {
    // Saturday 7 March 20:00 EST → Sunday 8 March 09:00 EDT (13:00Z: the day had 23 hours).
    expect(digestFlushAt("daily", prefs({}), NY, new Date("2026-03-08T01:00:00Z")).toISOString()).toBe(
      "2026-03-08T13:00:00.000Z",
    );
    // Saturday 31 October 20:00 EDT → Sunday 1 November 09:00 EST (14:00Z: 25 hours).
    expect(digestFlushAt("daily", prefs({}), NY, new Date("2026-11-01T00:00:00Z")).toISOString()).toBe(
      "2026-11-01T14:00:00.000Z",
    );
  });

  it("uses the user's digest time and Mondays for weekly windows", () => {
    const p = prefs({ digestTime: "18:30" });
    expect(digestFlushAt("daily", p, "Europe/Paris", new Date("2026-06-10T17:00:00Z")).toISOString()).toBe(
      "2026-06-11T16:30:00.000Z",
    );
    // Wednesday 10 June 2026 → Monday 15 June 18:30 Paris (CEST, UTC+2).
    expect(digestFlushAt("weekly", p, "Europe/Paris", new Date("2026-06-10T10:00:00Z")).toISOString()).toBe(
      "2026-06-15T16:30:00.000Z",
    );
  });
});
