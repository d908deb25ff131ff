import { HeraldError } from "@herald/errors";
import type { RedisClient } from "@herald/jobs";
import type { Logger } from "@herald/logger";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";
import { throttledWarn } from "../log-throttle.ts";
import type { RateLimitSetting } from "../security-env.ts";

// One round trip: count this request in the key's current window and say
// how long the window has left. The window's key expires with the window.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

type RateLimitRedis = RedisClient & {
  heraldRateLimit(key: string, windowMs: number): Promise<[number, number]>;
};

export interface RateLimitOptions {
  redis: RedisClient;
  /** Requests per window; null disables the limiter. A key's own `rateLimit` overrides `max`. */
  setting: RateLimitSetting;
  /** Redis key prefix (the queue prefix, so test runs and Heralds sharing a Redis stay apart). */
  prefix: string;
  logger: Logger;
}

/**
 * Per-API-key rate limit in Redis, so every API process shares one budget
 * per key (fixed window). Answers carry `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` (seconds until the window resets, IETF draft
 * httpapi-ratelimit-headers) and a 429 adds `Retry-After`. If Redis cannot be
 * asked, the request goes through: the limiter protects Herald, it must not
 * take the read API down with Redis.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<HonoEnv> {
  const { setting, logger } = options;
  if (!setting) return async (_c, next) => next();
  const redis = options.redis as RateLimitRedis;
  if (typeof redis.heraldRateLimit !== "function") {
    redis.defineCommand("heraldRateLimit", { numberOfKeys: 1, lua: SCRIPT });
  }
  // Redis being down makes every request say so: one line per 10 s.
  const unavailable = throttledWarn(logger);
  return async (c, next) => {
    const key = c.get("apiKey");
    if (!key) return next();
    const max = key.rateLimit ?? setting.max;
    const window = Math.floor(Date.now() / setting.windowMs);
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = await redis.heraldRateLimit(
        `${options.prefix}:ratelimit:${key.id}:${window}`,
        setting.windowMs,
      );
    } catch (err) {
      unavailable({ err: (err as Error).message, apiKeyId: key.id }, "rate limiter unavailable; allowing");
      return next();
    }
    const reset = Math.max(1, Math.ceil(ttlMs / 1000));
    c.header("RateLimit-Limit", String(max));
    c.header("RateLimit-Remaining", String(Math.max(0, max - count)));
    c.header("RateLimit-Reset", String(reset));
    c.header("RateLimit-Policy", `${max};w=${Math.round(setting.windowMs / 1000)}`);
    if (count > max) {
      throw new HeraldError(
        "rate_limited",
        `Rate limit of ${max} requests per ${Math.round(setting.windowMs / 1000)} s exceeded for this API key; retry in ${reset} s.`,
        { retryAfter: reset },
      );
    }
    await next();
  };
}
