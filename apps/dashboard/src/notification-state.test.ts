import { describe, expect, it } from "vitest";
import { isOnItsWay, refetchEvery } from "./notification-state.ts";

const now = Date.parse("2026-12-06T10:00:00Z");

describe("a notification's state on the dashboard", () => {
  it("stops polling once settled, or when the notification does not exist", () => {
    expect(refetchEvery({ status: "FAILED", reason: "permanent_error" }, false, now)).toBe(false);
    for (const status of ["DEAD", "CANCELED", "SUPPRESSED", "DIGESTED", "BOUNCED"]) {
      expect(refetchEvery({ status }, false, now), status).toBe(false);
    }
    expect(refetchEvery(undefined, true, now)).toBe(false);
  });

  it("polls every second while it moves, slowly for a send far ahead or receipts", () => {
    expect(refetchEvery({ status: "FAILED" }, false, now)).toBe(1000);
    expect(refetchEvery({ status: "QUEUED" }, false, now)).toBe(1000);
    expect(refetchEvery(undefined, false, now)).toBe(1000);
    expect(refetchEvery({ status: "SCHEDULED", scheduledAt: "2026-12-07T10:00:00Z" }, false, now)).toBe(
      30_000,
    );
    expect(refetchEvery({ status: "SCHEDULED", scheduledAt: "2026-12-06T10:01:00Z" }, false, now)).toBe(1000);
    expect(refetchEvery({ status: "SENT" }, false, now)).toBe(10_000);
  });

  it("is on its way while queued or awaiting a retry; not once sent, dead again or refused for good", () => {
    for (const status of ["PENDING", "QUEUED", "FAILED"]) expect(isOnItsWay({ status }), status).toBe(true);
    for (const status of ["SENT", "DELIVERED", "DEAD", "CANCELED"])
      expect(isOnItsWay({ status }), status).toBe(false);
    expect(isOnItsWay({ status: "FAILED", reason: "device_gone" })).toBe(false);
  });
});
