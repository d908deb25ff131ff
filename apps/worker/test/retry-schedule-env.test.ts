import { MAX_SEND_ATTEMPTS } from "@herald/jobs";
import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";

const base = {
  DATABASE_URL: "postgres://localhost/herald",
  REDIS_URL: "redis://localhost:6379",
  NODE_ENV: "test",
};

describe("worker retry schedules", () => {
  it("gives each channel RETRY_SCHEDULE unless its own is set", () => {
    const env = loadWorkerEnv({ ...base, RETRY_SCHEDULE: "0,1s", SMS_RETRY_SCHEDULE: "0,30s,2m" });
    expect(env.retrySchedule.email).toEqual([0, 1000]);
    expect(env.retrySchedule.sms).toEqual([0, 30_000, 120_000]);
  });

  it("refuses at start-up a schedule longer than the attempts producers give a send job", () => {
    const long = Array.from({ length: MAX_SEND_ATTEMPTS + 1 }, () => "1s").join(",");
    const longest = Array.from({ length: MAX_SEND_ATTEMPTS }, () => "1s").join(",");
    expect(loadWorkerEnv({ ...base, EMAIL_RETRY_SCHEDULE: longest }).retrySchedule.email).toHaveLength(
      MAX_SEND_ATTEMPTS,
    );
    expect(() => loadWorkerEnv({ ...base, EMAIL_RETRY_SCHEDULE: long })).toThrow(
      new RegExp(`EMAIL_RETRY_SCHEDULE: at most ${MAX_SEND_ATTEMPTS} attempts`),
    );
    expect(() => loadWorkerEnv({ ...base, RETRY_SCHEDULE: long })).toThrow(/RETRY_SCHEDULE: at most/);
  });
});
