import { describe, expect, it } from "vitest";
import { relativeTime } from "./relative-time.ts";

const now = Date.parse("2026-12-07T12:00:00.000Z");
const ago = (ms: number) => new Date(now - ms).toISOString();

describe("relativeTime", () => {
  it("rounds to the largest fitting unit", () => {
    expect(relativeTime(ago(10_000), now, "en")).toBe("now");
    expect(relativeTime(ago(5 * 60_000), now, "en")).toBe("5 minutes ago");
    expect(relativeTime(ago(3 * 3_600_000), now, "en")).toBe("3 hours ago");
    expect(relativeTime(ago(26 * 3_600_000), now, "en")).toBe("yesterday");
    expect(relativeTime(ago(15 * 86_400_000), now, "en")).toBe("2 weeks ago");
    expect(relativeTime(ago(400 * 86_400_000), now, "en")).toBe("last year");
  });
});
