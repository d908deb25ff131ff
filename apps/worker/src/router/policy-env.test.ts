import { DEV_UNSUBSCRIBE_SECRET } from "@herald/unsubscribe";
import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../env.ts";

const base = { DATABASE_URL: "postgres://localhost/x", REDIS_URL: "redis://localhost:6379" };

describe("delivery-policy configuration", () => {
  it("has safe defaults", () => {
    expect(loadWorkerEnv(base).policy).toEqual({
      dedupWindowMs: 600_000,
      dedupContentHash: false,
      frequencyCaps: [],
      quietHoursChannels: ["push", "email", "sms"],
      unsubscribeSecret: DEV_UNSUBSCRIBE_SECRET,
      digestSweepMs: 60_000,
      optIn: { categories: [], channels: [] },
    });
    expect(loadWorkerEnv(base).queues).toContain("digest");
  });

  it("parses every variable", () => {
    const policy = loadWorkerEnv({
      ...base,
      DEDUP_WINDOW: "30s",
      DEDUP_CONTENT_HASH: "true",
      FREQUENCY_CAPS: "marketing:email:3/1d",
      QUIET_HOURS_CHANNELS: "sms,push,in_app",
      UNSUBSCRIBE_SECRET: "0123456789abcdef0123",
      DIGEST_SWEEP_INTERVAL: "5m",
      OPT_IN_CATEGORIES: "marketing, product",
      OPT_IN_CHANNELS: "sms",
    }).policy;
    expect(policy).toEqual({
      dedupWindowMs: 30_000,
      dedupContentHash: true,
      frequencyCaps: [{ category: "marketing", channel: "email", max: 3, windowMs: 86_400_000 }],
      quietHoursChannels: ["sms", "push", "in_app"],
      unsubscribeSecret: "0123456789abcdef0123",
      digestSweepMs: 300_000,
      optIn: { categories: ["marketing", "product"], channels: ["sms"] },
    });
  });

  it("fails fast on bad values and on a missing secret in production", () => {
    // Every missing one named by one failed start, not one per restart.
    expect(() => loadWorkerEnv({ ...base, NODE_ENV: "production" })).toThrow(
      /UNSUBSCRIBE_SECRET: is required in production.*\n {2}- TRACKING_SECRET: is required in production.*\n {2}- PUBLIC_URL: is required in production/,
    );
    expect(() => loadWorkerEnv({ ...base, DEDUP_WINDOW: "soon" })).toThrow(/DEDUP_WINDOW: not a duration/);
    expect(() => loadWorkerEnv({ ...base, FREQUENCY_CAPS: "marketing:fax:1/1d" })).toThrow(
      /unknown channel "fax"/,
    );
    expect(() => loadWorkerEnv({ ...base, UNSUBSCRIBE_SECRET: "short" })).toThrow(/at least 16/);
  });

  it("refuses a required, an unknown or a misspelt opt-in category or channel, naming each", () => {
    expect(() => loadWorkerEnv({ ...base, OPT_IN_CATEGORIES: "marketing,security" })).toThrow(
      /OPT_IN_CATEGORIES: security is a required category: it is always sent, so it cannot wait for a yes/,
    );
    expect(() => loadWorkerEnv({ ...base, OPT_IN_CATEGORIES: "promos" })).toThrow(
      /OPT_IN_CATEGORIES: unknown category "promos": use transactional, marketing, product, social/,
    );
    expect(() => loadWorkerEnv({ ...base, OPT_IN_CHANNELS: "sms,fax" })).toThrow(
      /OPT_IN_CHANNELS: unknown channel "fax": use push, email, sms, in_app/,
    );
  });
});
