import { DeliveryError } from "@herald/errors";
import { createRedis, type RedisClient } from "@herald/jobs";
import { testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";
import type { EmailProvider } from "../src/providers/email/email-message.ts";
import { limitedProviders } from "../src/providers/limited-providers.ts";
import { once } from "../src/providers/once.ts";
import {
  MAX_LOGGED_REQUESTS,
  OWN_LIMIT_CODE,
  type ProviderLimiterOptions,
  providerLimiter,
  providerLimitKey,
} from "../src/providers/provider-limiter.ts";
import { busiestWindow } from "./sent-checks.ts";

/**
 * A provider account's request budget on the real Redis, taken by limiters
 * that share nothing but Redis (as two worker processes do).
 */

let a: RedisClient;
let b: RedisClient;
beforeAll(() => {
  a = createRedis({ url: testRedisUrl(), cluster: false }, "worker");
  b = createRedis({ url: testRedisUrl(), cluster: false }, "worker");
});
afterAll(() => {
  a.disconnect();
  b.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const limiterOn = (redis: RedisClient, options: Partial<ProviderLimiterOptions> & { prefix: string }) =>
  providerLimiter({
    redis,
    provider: "resend",
    account: "re_test_key",
    limit: { max: 3, duration: 500 },
    setting: "RESEND_RATE_LIMIT",
    ...options,
  });

/** Sends `count` requests through `take`, waiting out refusals as the worker's callers do, recording when each went. */
async function sendThrough(take: () => Promise<void>, count: number, sent: number[]) {
  for (let i = 0; i < count; i++) {
    for (;;) {
      try {
        await take();
        sent.push(Date.now());
        break;
      } catch (err) {
        await sleep((err as DeliveryError).retryAfterMs ?? 10);
      }
    }
  }
}

describe("a provider account's rate limit", () => {
  it("holds across two limiters sharing only Redis, however many requests each sends at once", async () => {
    const prefix = testQueuePrefix();
    const first = limiterOn(a, { prefix });
    const second = limiterOn(b, { prefix });
    const sent: number[] = [];
    const started = Date.now();
    // Four senders per limiter, as concurrent jobs in two processes.
    await Promise.all([
      ...Array.from({ length: 4 }, () => sendThrough(() => first.take(), 3, sent)),
      ...Array.from({ length: 4 }, () => sendThrough(() => second.take(), 3, sent)),
    ]);
    expect(sent).toHaveLength(24);
    // 3 per 500 ms: the first 3 at once, the 24th in the 8th window. Some slack for the
    // timers: a request is recorded when it went, at or a little after its slot.
    expect(busiestWindow(sent, 450)).toBeLessThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(7 * 500 - 20);
    expect(busiestWindow(sent.slice(0, 3), 50)).toBe(3);
  });

  it("paces a request whose slot is near, and refuses one whose slot is over a second away, reserving nothing", async () => {
    const prefix = testQueuePrefix();
    const seen: string[] = [];
    const limiter = limiterOn(a, {
      prefix,
      limit: { max: 1, duration: 700 },
      onThrottled: (provider, outcome) => seen.push(`${provider}:${outcome}`),
    });
    const start = Date.now();
    await limiter.take();
    await limiter.take();
    expect(Date.now() - start).toBeGreaterThanOrEqual(680);
    expect(seen).toEqual(["resend:paced"]);

    const slow = limiterOn(a, { prefix, account: "re_other", limit: { max: 1, duration: 3000 } });
    await slow.take();
    const refusals: DeliveryError[] = [];
    for (let i = 0; i < 3; i++) await slow.take().catch((err) => refusals.push(err));
    expect(refusals).toHaveLength(3);
    for (const err of refusals) {
      expect(err).toBeInstanceOf(DeliveryError);
      expect(err).toMatchObject({
        kind: "transient",
        rateLimited: true,
        provider: "resend",
        code: OWN_LIMIT_CODE,
      });
      expect(err.message).toMatch(/RESEND_RATE_LIMIT=1\/3s/);
      // Each refusal names the same free slot: refusing took none of the budget.
      expect(err.retryAfterMs).toBeGreaterThan(2500);
      expect(err.retryAfterMs).toBeLessThanOrEqual(3000);
    }
    expect(await a.llen(providerLimitKey(prefix, "resend", "re_other"))).toBe(1);
  });

  it("warns once per run of refusals, not per refused request", async () => {
    const warnings: unknown[] = [];
    const limiter = limiterOn(a, {
      prefix: testQueuePrefix(),
      limit: { max: 1, duration: 1500 },
      logger: { warn: (obj: unknown) => void warnings.push(obj) },
    });
    await limiter.take();
    for (let i = 0; i < 5; i++) await limiter.take().catch(() => {});
    expect(warnings).toEqual([
      expect.objectContaining({ provider: "resend", limit: "RESEND_RATE_LIMIT=1/1500ms" }),
    ]);
  });

  it("keeps at most 1,000 request times per account, holding a larger limit as the same rate", async () => {
    const prefix = testQueuePrefix();
    const key = providerLimitKey(prefix, "resend", "re_test_key");
    const limiter = limiterOn(a, { prefix, limit: { max: 5000, duration: 2500 } });
    const start = Date.now();
    let settled = false;
    const takes = Promise.all(Array.from({ length: 1100 }, () => limiter.take())).finally(() => {
      settled = true;
    });
    // Read while the last requests wait: the log expires a window after its last slot, which on a
    // loaded machine can come before a read made once they are done.
    const lengths: number[] = [];
    while (!settled) lengths.push(await b.llen(key));
    await takes;
    // 1,000 per 500 ms: the last 100 waited for the first ones' window to pass.
    expect(Date.now() - start).toBeGreaterThanOrEqual(490);
    expect(Math.max(...lengths)).toBe(MAX_LOGGED_REQUESTS);
  });

  it("takes a request's slot once its provider is ready: a first request's SDK load does not crowd the next", async () => {
    const env = loadWorkerEnv({
      DATABASE_URL: "postgres://x/y",
      REDIS_URL: "redis://x",
      RESEND_RATE_LIMIT: "1/500ms",
    });
    const reached: number[] = [];
    // As resendProvider: the SDK loads on first use (here 300 ms), then each request reaches Resend.
    const sdk = once(() => sleep(300).then(() => {}));
    const resend: EmailProvider = {
      name: "resend",
      prepare: sdk,
      async send() {
        await sdk();
        reached.push(Date.now());
        return { messageId: "re_1" };
      },
    };
    const limited = limitedProviders(env.providers, a, testQueuePrefix()).email(resend, "resend", "re_key");
    const message = {} as Parameters<EmailProvider["send"]>[0];
    await Promise.all([limited.send(message), limited.send(message)]);
    // Had the first taken its slot before loading, the second would reach Resend 200 ms after it.
    expect(reached[1]! - reached[0]!).toBeGreaterThanOrEqual(480);
  });

  it("passes on what the e-mail failover relies on: replays by key, and a batch request's idempotency key", async () => {
    const env = loadWorkerEnv({
      DATABASE_URL: "postgres://x/y",
      REDIS_URL: "redis://x",
      RESEND_RATE_LIMIT: "100/1s",
    });
    const keys: (string | undefined)[] = [];
    const resend: EmailProvider = {
      name: "resend",
      replaysByKey: true,
      batchMax: 100,
      send: async () => ({ messageId: "re_1" }),
      async sendBatch(messages, options) {
        keys.push(options?.idempotencyKey);
        return messages.map((_, i) => ({ messageId: `re_${i}` }));
      },
    };
    const limited = limitedProviders(env.providers, a, testQueuePrefix()).email(resend, "resend", "re_key");
    expect(limited).not.toBe(resend);
    // Only a provider that replays is asked again at once after an ambiguous failure.
    expect(limited.replaysByKey).toBe(true);
    const message = {} as Parameters<EmailProvider["send"]>[0];
    await limited.sendBatch!([message, message], { idempotencyKey: "batch-key-1" });
    // A retried ambiguous batch must go out under its first request's key.
    expect(keys).toEqual(["batch-key-1"]);
  });

  it("keys each account apart, under the worker's prefix, without the credential in the key", () => {
    const key = providerLimitKey("herald", "resend", "re_secret_key");
    expect(key).toMatch(/^herald:\{provider-limit:resend:[0-9a-f]{16}\}$/);
    expect(key).not.toContain("re_secret_key");
    expect(providerLimitKey("herald", "resend", "re_other_key")).not.toBe(key);
    expect(providerLimitKey("other", "resend", "re_secret_key")).not.toBe(key);
  });
});
