import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";

const base = {
  DATABASE_URL: "postgres://localhost/herald",
  REDIS_URL: "redis://localhost:6379",
  NODE_ENV: "test",
};

describe("rate limit settings", () => {
  it("reads each provider account's limit in the channels' syntax, none when unset", () => {
    const env = loadWorkerEnv({
      ...base,
      RESEND_RATE_LIMIT: "2/1s",
      SMTP_RATE_LIMIT: "600/1m",
      FCM_RATE_LIMIT: "50/250ms",
      TWILIO_RATE_LIMIT: "10/100",
    });
    expect(env.providers.RESEND_RATE_LIMIT).toEqual({ max: 2, duration: 1000 });
    expect(env.providers.SMTP_RATE_LIMIT).toEqual({ max: 600, duration: 60_000 });
    expect(env.providers.FCM_RATE_LIMIT).toEqual({ max: 50, duration: 250 });
    expect(env.providers.TWILIO_RATE_LIMIT).toEqual({ max: 10, duration: 100 });
    expect(env.providers.APNS_RATE_LIMIT).toBeUndefined();
    expect(env.providers.WEBPUSH_RATE_LIMIT).toBeUndefined();
  });

  it("refuses at start-up every malformed provider limit at once, naming each variable", () => {
    let message = "";
    try {
      loadWorkerEnv({
        ...base,
        RESEND_RATE_LIMIT: "fast",
        APNS_RATE_LIMIT: "100/1h",
        WEBPUSH_RATE_LIMIT: "5",
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/RESEND_RATE_LIMIT: must look like "100\/1s"/);
    expect(message).toMatch(/APNS_RATE_LIMIT: must look like "100\/1s"/);
    expect(message).toMatch(/WEBPUSH_RATE_LIMIT: must look like "100\/1s"/);
  });

  it("refuses a limit of nothing per window, or a window of nothing, for providers and channels alike", () => {
    expect(() => loadWorkerEnv({ ...base, RESEND_RATE_LIMIT: "0/1s" })).toThrow(
      /RESEND_RATE_LIMIT: max and duration must be at least 1/,
    );
    expect(() => loadWorkerEnv({ ...base, SMTP_RATE_LIMIT: "5/0s" })).toThrow(
      /SMTP_RATE_LIMIT: max and duration must be at least 1/,
    );
    // BullMQ's limiter would take no job of the channel, ever.
    expect(() => loadWorkerEnv({ ...base, EMAIL_RATE_LIMIT: "0/1s" })).toThrow(
      /EMAIL_RATE_LIMIT: max and duration must be at least 1/,
    );
    expect(loadWorkerEnv({ ...base, EMAIL_RATE_LIMIT: "100/1s" }).rateLimit.email).toEqual({
      max: 100,
      duration: 1000,
    });
  });
});
