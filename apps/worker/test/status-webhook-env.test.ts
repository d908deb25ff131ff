import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";
import { configError, ENV_BASE } from "./env-error.ts";

const base = ENV_BASE;
const url = "https://app.example.com/herald/statuses";

describe("worker STATUS_WEBHOOK_*", () => {
  it("is off unless STATUS_WEBHOOK_URL is set (empty counts as unset), with the documented defaults", () => {
    expect(loadWorkerEnv(base).statusWebhooks).toEqual({
      url: null,
      secret: null,
      statuses: [
        "SENT",
        "DELIVERED",
        "READ",
        "FAILED",
        "DEAD",
        "SUPPRESSED",
        "CANCELED",
        "BOUNCED",
        "COMPLAINED",
      ],
      batchSize: 100,
      concurrency: 2,
      timeoutMs: 10_000,
      pollIntervalMs: 250,
      retryMaxMs: 300_000,
      maxAgeMs: 86_400_000,
      splitAfter: 3,
      allowPrivateEndpoints: false,
    });
    expect(loadWorkerEnv({ ...base, STATUS_WEBHOOK_URL: "" }).statusWebhooks.url).toBeNull();
  });

  it("takes a Standard Webhooks secret, a status list and durations", () => {
    const key = randomBytes(32);
    const env = loadWorkerEnv({
      ...base,
      STATUS_WEBHOOK_URL: url,
      STATUS_WEBHOOK_SECRET: `whsec_${key.toString("base64")}`,
      STATUS_WEBHOOK_STATUSES: "dead, SENT,DEAD".toUpperCase(),
      STATUS_WEBHOOK_MAX_AGE: "72h",
      STATUS_WEBHOOK_SPLIT_AFTER: "5",
      WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true",
    }).statusWebhooks;
    expect(env.url).toBe(url);
    expect(env.secret).toEqual([key]);
    const old = randomBytes(24);
    const rotating = loadWorkerEnv({
      ...base,
      STATUS_WEBHOOK_URL: url,
      STATUS_WEBHOOK_SECRET: `whsec_${key.toString("base64")},whsec_${old.toString("base64")}`,
    }).statusWebhooks;
    expect(rotating.secret).toEqual([key, old]);
    expect(env.statuses).toEqual(["SENT", "DEAD"]);
    expect(env.maxAgeMs).toBe(72 * 3_600_000);
    expect(env.splitAfter).toBe(5);
    expect(loadWorkerEnv({ ...base, STATUS_WEBHOOK_SPLIT_AFTER: "0" }).statusWebhooks.splitAfter).toBe(0);
    expect(env.allowPrivateEndpoints).toBe(true);
  });

  it("refuses bad values at start-up, each with its reason, never repeating a secret", () => {
    const raw = "my-very-secret-passphrase-for-statuses";
    const message = configError({
      ...base,
      STATUS_WEBHOOK_URL: "not a url",
      STATUS_WEBHOOK_SECRET: raw,
      STATUS_WEBHOOK_STATUSES: "SENT,OPENED",
      STATUS_WEBHOOK_BATCH_SIZE: "5000",
      STATUS_WEBHOOK_MAX_AGE: "30s",
      STATUS_WEBHOOK_TIMEOUT: "soon",
      STATUS_WEBHOOK_SPLIT_AFTER: "-1",
      WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "sure",
    });
    expect(message).toMatch(/^Invalid configuration for herald worker:\n/);
    expect(message).toContain("- STATUS_WEBHOOK_URL:");
    expect(message).toMatch(/- STATUS_WEBHOOK_SECRET: must start with "whsec_"/);
    expect(message).toContain("- STATUS_WEBHOOK_STATUSES.1:");
    expect(message).toContain("- STATUS_WEBHOOK_BATCH_SIZE:");
    expect(message).toContain("- STATUS_WEBHOOK_MAX_AGE: must be at least 1m");
    expect(message).toContain('- STATUS_WEBHOOK_TIMEOUT: not a duration: "soon"');
    expect(message).toContain("- STATUS_WEBHOOK_SPLIT_AFTER:");
    expect(message).toContain("- WEBHOOK_ALLOW_PRIVATE_ENDPOINTS:");
    expect(message).not.toContain(raw);
    expect(configError({ ...base, STATUS_WEBHOOK_URL: url, STATUS_WEBHOOK_STATUSES: " , " })).toContain(
      "- STATUS_WEBHOOK_STATUSES: name at least one status",
    );
  });

  it("refuses an unsigned status webhook in production", () => {
    const production = {
      ...base,
      NODE_ENV: "production",
      UNSUBSCRIBE_SECRET: "x".repeat(32),
      TRACKING_SECRET: "y".repeat(32),
      PUBLIC_URL: "https://herald.example.com",
    };
    expect(loadWorkerEnv(production).statusWebhooks.url).toBeNull();
    expect(configError({ ...production, STATUS_WEBHOOK_URL: url })).toMatch(
      /- STATUS_WEBHOOK_SECRET: is required in production when STATUS_WEBHOOK_URL is set/,
    );
  });
});
