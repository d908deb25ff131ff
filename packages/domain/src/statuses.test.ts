import { describe, expect, it } from "vitest";
import { canTransition, isFailedForGood, statusesInto } from "./statuses.ts";

describe("canTransition", () => {
  it("moves forward along the happy path only", () => {
    expect(canTransition("QUEUED", "SENT")).toBe(true);
    expect(canTransition("SENT", "READ")).toBe(true);
    expect(canTransition("READ", "DELIVERED")).toBe(false);
    expect(canTransition("DELIVERED", "SENT")).toBe(false);
    expect(canTransition("PENDING", "READ")).toBe(false);
    expect(canTransition("QUEUED", "DELIVERED")).toBe(false);
  });

  it("lets failures be retried and cancels only unsent work", () => {
    expect(canTransition("FAILED", "SENT")).toBe(true);
    expect(canTransition("FAILED", "FAILED")).toBe(true);
    expect(canTransition("SENT", "SENT")).toBe(false);
    expect(canTransition("DEAD", "QUEUED")).toBe(true);
    expect(canTransition("SCHEDULED", "CANCELED")).toBe(true);
    expect(canTransition("SENT", "CANCELED")).toBe(false);
    expect(canTransition("CANCELED", "QUEUED")).toBe(false);
    // Only a send already in flight gets past a cancel.
    expect(canTransition("CANCELED", "SENT")).toBe(true);
    expect(canTransition("CANCELED", "DELIVERED")).toBe(false);
    expect(canTransition("DEAD", "CANCELED")).toBe(true);
  });

  it("lets bounces override delivery", () => {
    expect(canTransition("DELIVERED", "BOUNCED")).toBe(true);
    // A dead letter's last attempt may have reached the provider: its receipts count.
    expect(canTransition("DEAD", "BOUNCED")).toBe(true);
    expect(canTransition("DEAD", "READ")).toBe(true);
    expect(canTransition("QUEUED", "BOUNCED")).toBe(false);
  });

  it("lists the statuses that may move into one", () => {
    expect(statusesInto("DELIVERED")).toEqual(["SENT", "FAILED", "DEAD"]);
    expect(statusesInto("SENT")).toEqual(expect.arrayContaining(["QUEUED", "FAILED", "DEAD"]));
    expect(statusesInto("SENT")).not.toContain("SENT");
  });
});

describe("isFailedForGood", () => {
  it("tells a permanent failure from one awaiting its retry", () => {
    expect(isFailedForGood({ status: "FAILED", reason: "permanent_error" })).toBe(true);
    expect(isFailedForGood({ status: "FAILED", reason: "device_gone" })).toBe(true);
    expect(isFailedForGood({ status: "FAILED" })).toBe(false);
    expect(isFailedForGood({ status: "FAILED", reason: null })).toBe(false);
    expect(isFailedForGood({ status: "FAILED", reason: "recipient_erased" })).toBe(false);
    expect(isFailedForGood({ status: "DEAD", reason: "retries_exhausted" })).toBe(false);
  });
});
