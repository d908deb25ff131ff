import { HeraldError } from "@herald/errors";
import type { RedisClient } from "@herald/jobs";
import type { Logger } from "@herald/logger";
import type { Context, MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";
import { throttledWarn } from "../log-throttle.ts";
import type { RateLimitSetting } from "../security-env.ts";
import { createWindowCounter } from "../services/window-counter.ts";

/** The headers every rate-limited answer carries (IETF draft httpapi-ratelimit-headers). */
export const RATE_LIMIT_HEADERS = [
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Policy",
] as const;

export interface RateLimitOptions {
  redis: RedisClient;
  /**
   * Requests per API key (and dashboard session) per window, `API_RATE_LIMIT`;
   * null: not limited. A key's own `rateLimit` overrides `max`.
   */
  setting: RateLimitSetting;
  /** Requests per end user per window over their user tokens, `USER_RATE_LIMIT`; null: not limited. */
  userSetting: RateLimitSetting;
  /** Redis key prefix (the queue prefix, so test runs and Heralds sharing a Redis stay apart). */
  prefix: string;
  logger: Logger;
}

interface Budget {
  /** The Redis key's middle part: whose budget it is. */
  id: string;
  max: number;
  windowMs: number;
  /** "this API key", "this user": how a 429 names whose budget ran out. */
  whose: string;
}

/**
 * Rate limits in Redis, so every API process shares one budget per caller
 * (fixed window): per API key (or dashboard session), and per end user for
 * calls made with their user token, whichever token of theirs it is. Answers
 * carry `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds
 * until the window resets, IETF draft httpapi-ratelimit-headers) and
 * `RateLimit-Policy`; a 429 adds `Retry-After`. A request is counted once,
 * however often the middleware runs for it: it goes once the caller is known,
 * globally and again on routes that authenticate by themselves (the inbox).
 * If Redis cannot be asked, the request goes through: the limiter protects
 * Herald, it must not take the read API down with Redis.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<HonoEnv> {
  const { setting, userSetting, logger } = options;
  if (!setting && !userSetting) return async (_c, next) => next();
  const counter = createWindowCounter(options.redis, `${options.prefix}:ratelimit`);
  // Redis being down makes every request say so: one line per 10 s.
  const unavailable = throttledWarn(logger);
  const budgetOf = (c: Context<HonoEnv>): Budget | null => {
    const key = c.get("apiKey");
    if (key) {
      return (
        setting && {
          id: key.id,
          max: key.rateLimit ?? setting.max,
          windowMs: setting.windowMs,
          whose: "this API key",
        }
      );
    }
    const user = c.get("userToken");
    if (user === undefined || !userSetting) return null;
    return { id: `user:${user}`, max: userSetting.max, windowMs: userSetting.windowMs, whose: "this user" };
  };
  return async (c, next) => {
    if (c.get("rateCounted")) return next();
    const budget = budgetOf(c);
    if (!budget) return next();
    c.set("rateCounted", true);
    const { max, windowMs } = budget;
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = await counter.count(budget.id, windowMs);
    } catch (err) {
      unavailable({ err: (err as Error).message, budget: budget.id }, "rate limiter unavailable; allowing");
      return next();
    }
    const reset = Math.max(1, Math.ceil(ttlMs / 1000));
    const answer: Record<(typeof RATE_LIMIT_HEADERS)[number], string> = {
      "RateLimit-Limit": String(max),
      "RateLimit-Remaining": String(Math.max(0, max - count)),
      "RateLimit-Reset": String(reset),
      "RateLimit-Policy": `${max};w=${Math.round(windowMs / 1000)}`,
    };
    for (const name of RATE_LIMIT_HEADERS) c.header(name, answer[name]);
    if (count > max) {
      throw new HeraldError(
        "rate_limited",
        `Rate limit of ${max} requests per ${Math.round(windowMs / 1000)} s exceeded for ${budget.whose}; retry in ${reset} s.`,
        { retryAfter: reset },
      );
    }
    await next();
  };
}
