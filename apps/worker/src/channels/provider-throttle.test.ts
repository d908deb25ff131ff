import { DeliveryError } from "@herald/errors";
import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS } from "../providers/delivery-errors.ts";
import { MIN_THROTTLE_PAUSE_MS, throttlePauseMs } from "./provider-throttle.ts";

const throttled = (retryAfterMs?: number) =>
  new DeliveryError("transient", "resend: rate_limit_exceeded", {
    provider: "resend",
    code: "rate_limit_exceeded",
    rateLimited: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

describe("throttlePauseMs", () => {
  it("pauses as long as the provider asked", () => {
    expect(throttlePauseMs(throttled(7000))).toBe(7000);
  });

  it("pauses a second when the provider said nothing, or less than a second", () => {
    expect(MIN_THROTTLE_PAUSE_MS).toBe(1000);
    expect(throttlePauseMs(throttled())).toBe(1000);
    expect(throttlePauseMs(throttled(0))).toBe(1000);
  });

  it("pauses at most 5 minutes, whatever a sender put in the error", () => {
    expect(throttlePauseMs(throttled(86_400_000))).toBe(MAX_RETRY_AFTER_MS);
  });
});
