import { describe, expect, it } from "vitest";
import { loadApiEnv } from "./env.ts";

const base = { DATABASE_URL: "postgres://localhost/herald", REDIS_URL: "redis://127.0.0.1:6379" };

describe("loadApiEnv in production", () => {
  it("names every missing secret in one failed start", () => {
    expect(() => loadApiEnv({ ...base, NODE_ENV: "production" })).toThrow(
      /UNSUBSCRIBE_SECRET: is required in production.*\n {2}- TRACKING_SECRET: is required in production.*\n {2}- PUBLIC_URL: is required in production/,
    );
  });

  it("starts with them set", () => {
    const env = loadApiEnv({
      ...base,
      NODE_ENV: "production",
      PUBLIC_URL: "https://herald.example.com",
      UNSUBSCRIBE_SECRET: "0123456789abcdef0123",
      TRACKING_SECRET: "0123456789abcdef0123456789abcdef",
    });
    expect(env.TRACKING_SECRET).toBe("0123456789abcdef0123456789abcdef");
  });
});

describe("loadApiEnv, webhook secrets", () => {
  it("refuses a Resend signing secret Svix could not decode, at start-up", () => {
    expect(() => loadApiEnv({ ...base, RESEND_WEBHOOK_SECRET: "whsec_abc$$$notbase64-at-all" })).toThrow(
      /RESEND_WEBHOOK_SECRET: must be the signing secret Resend shows/,
    );
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    expect(loadApiEnv({ ...base, RESEND_WEBHOOK_SECRET: secret }).RESEND_WEBHOOK_SECRET).toBe(secret);
  });
});

describe("loadApiEnv, opt-in settings", () => {
  it("reads them as the workers do, and refuses a required or unknown category or an unknown channel", () => {
    const env = loadApiEnv({ ...base, OPT_IN_CATEGORIES: "marketing", OPT_IN_CHANNELS: "sms, email" });
    expect([env.OPT_IN_CATEGORIES, env.OPT_IN_CHANNELS]).toEqual([["marketing"], ["sms", "email"]]);
    expect(loadApiEnv(base).OPT_IN_CATEGORIES).toEqual([]);
    expect(() => loadApiEnv({ ...base, OPT_IN_CATEGORIES: "security" })).toThrow(
      /OPT_IN_CATEGORIES: security is a required category: it is always sent, so it cannot wait for a yes/,
    );
    expect(() => loadApiEnv({ ...base, OPT_IN_CATEGORIES: "newsletter" })).toThrow(
      /OPT_IN_CATEGORIES: unknown category "newsletter"/,
    );
    expect(() => loadApiEnv({ ...base, OPT_IN_CHANNELS: "whatsapp" })).toThrow(
      /OPT_IN_CHANNELS: unknown channel "whatsapp"/,
    );
  });
});
