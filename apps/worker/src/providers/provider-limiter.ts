import { createHash } from "node:crypto";
import { DeliveryError } from "@herald/errors";
import type { RedisClient } from "@herald/jobs";
import type { Logger } from "@herald/logger";
import { MIN_THROTTLE_PAUSE_MS } from "../channels/provider-throttle.ts";
import { formatRateLimit, type RateLimitSetting } from "../rate-limit-setting.ts";

/**
 * Most request times an account's log keeps. A larger limit is held as the
 * same rate over a shorter window (`600000/1m` as `1000/100ms`), which keeps
 * every window of the configured length within the limit too, and bounds
 * the key at a few kilobytes; bursts are then at most this many requests.
 */
export const MAX_LOGGED_REQUESTS = 1000;

/**
 * The longest wait for a slot spent in the sending process. A longer one is
 * answered as the provider's own 429 would be (the next provider, or a
 * channel pause), and that pause lasts at least `MIN_THROTTLE_PAUSE_MS`
 * anyway: a shorter wait is cheaper spent waiting.
 */
export const MAX_PACE_MS = MIN_THROTTLE_PAUSE_MS;

/** The code a refused request's error carries, telling Herald's own limit from the provider's 429. */
export const OWN_LIMIT_CODE = "herald_rate_limit";

// A sliding log of the account's request times (µs on the Redis clock, which
// every worker process shares, oldest first; a list, so every step is O(1)).
// The next request's slot is now, or, once the log holds `max` times, the
// `max`-th latest plus the window: never more than `max` in any window.
// Slots only grow, so the log stays sorted. A slot within ARGV[3] is
// reserved (the caller waits for it); a later one is refused unreserved, so
// a refusal costs no budget. Returns {reserved, wait in µs}.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local n = redis.call('LLEN', KEYS[1])
local at = now
if n >= max then
  at = math.max(now, tonumber(redis.call('LINDEX', KEYS[1], n - max)) + window)
end
local wait = at - now
if wait > tonumber(ARGV[3]) then return {0, wait} end
redis.call('RPUSH', KEYS[1], string.format('%.0f', at))
if n >= max then redis.call('LTRIM', KEYS[1], n + 1 - max, -1) end
redis.call('PEXPIRE', KEYS[1], math.ceil((wait + window) / 1000))
return {1, wait}`;

type ReservingRedis = RedisClient & {
  heraldReserveProviderSlot(
    key: string,
    max: number,
    windowUs: number,
    paceUs: number,
  ): Promise<[number, number]>;
};

/** The account's key: hash-tagged on its own (one key per script call), the identity only as a hash. */
export function providerLimitKey(prefix: string, provider: string, account: string): string {
  const hash = createHash("sha256").update(account).digest("hex").slice(0, 16);
  return `${prefix}:{provider-limit:${provider}:${hash}}`;
}

export type ThrottleOutcome = "paced" | "refused";

export interface ProviderLimiterOptions {
  redis: RedisClient;
  /** The worker's `QUEUE_PREFIX`: Herald installs (and test runs) sharing a Redis count apart. */
  prefix: string;
  provider: string;
  /** Who the provider counts against (an API key, an account SID and sender…); only a hash of it is stored. */
  account: string;
  limit: RateLimitSetting;
  /** The variable that set the limit (`RESEND_RATE_LIMIT`), for logs and errors. */
  setting: string;
  logger?: Pick<Logger, "warn">;
  /** Told of each request that waited for its slot (`paced`) or was refused (`refused`). */
  onThrottled?(provider: string, outcome: ThrottleOutcome): void;
}

export interface ProviderLimiter {
  /**
   * Takes a slot for one request to the provider: at once, or after a wait
   * of up to `MAX_PACE_MS`, or throws the transient, `rateLimited`
   * `DeliveryError` the provider's 429 would have been, its `retryAfterMs`
   * when a slot frees. If Redis cannot be asked, the request goes ahead (the
   * provider's own 429 still holds it back).
   */
  take(): Promise<void>;
}

/** One provider account's request budget, shared by every worker process through one Redis key. */
export function providerLimiter(options: ProviderLimiterOptions): ProviderLimiter {
  const { provider, limit, setting } = options;
  const r = options.redis as ReservingRedis;
  const key = providerLimitKey(options.prefix, provider, options.account);
  const max = Math.min(limit.max, MAX_LOGGED_REQUESTS);
  const windowUs = Math.ceil((limit.duration * 1000 * max) / limit.max);
  const described = `${setting}=${formatRateLimit(limit)}`;
  // One warning per run of refusals in this process: until the wait it announced has passed.
  let quietUntil = 0;
  return {
    async take() {
      if (typeof r.heraldReserveProviderSlot !== "function") {
        r.defineCommand("heraldReserveProviderSlot", { numberOfKeys: 1, lua: RESERVE });
      }
      let answer: [number, number];
      try {
        answer = await r.heraldReserveProviderSlot(key, max, windowUs, MAX_PACE_MS * 1000);
      } catch (err) {
        options.logger?.warn({ provider, err: (err as Error).message }, "provider rate limit not checked");
        return;
      }
      const [reserved, waitUs] = answer.map(Number) as [number, number];
      const waitMs = Math.ceil(waitUs / 1000);
      if (reserved === 1) {
        if (waitMs <= 0) return;
        options.onThrottled?.(provider, "paced");
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        return;
      }
      options.onThrottled?.(provider, "refused");
      const now = Date.now();
      if (now >= quietUntil) {
        options.logger?.warn(
          { provider, limit: described, waitMs },
          "provider rate limit reached: requests are refused as the provider's 429 would be",
        );
      }
      quietUntil = Math.max(quietUntil, now + waitMs);
      throw new DeliveryError("transient", `${provider}: over ${described}, next request in ${waitMs} ms`, {
        provider,
        code: OWN_LIMIT_CODE,
        retryAfterMs: waitMs,
        rateLimited: true,
      });
    },
  };
}
