import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";

const base = {
  DATABASE_URL: "postgres://localhost/herald",
  REDIS_URL: "redis://localhost:6379",
  NODE_ENV: "test",
};

describe("rate limit settings", () => {
  it("refuses a limit of nothing per window, or a window of nothing", () => {
    // BullMQ's limiter would take no job of the channel, ever.
    expect(() => loadWorkerEnv({ ...base, EMAIL_RATE_LIMIT: "0/1s" })).toThrow(
      /EMAIL_RATE_LIMIT: max and duration must be at least 1/,
    );
    expect(() => loadWorkerEnv({ ...base, SMS_RATE_LIMIT: "5/0s" })).toThrow(
      /SMS_RATE_LIMIT: max and duration must be at least 1/,
    );
    expect(loadWorkerEnv({ ...base, EMAIL_RATE_LIMIT: "100/1s" }).rateLimit.email).toEqual({
      max: 100,
      duration: 1000,
    });
  });
});
