import type { RedisClient } from "@herald/jobs";

// Counts the attempt before anything is checked, so concurrent attempts each
// see the ones before them; the window starts with the first attempt and is
// never extended by later ones.
const TAKE = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

// Gives one attempt back, never below zero and never to a window that has
// already ended (DECR on a missing key would make a -1 that never expires).
const GIVE_BACK = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

type AttemptRedis = RedisClient & {
  heraldTakeAttempt(key: string, windowMs: number): Promise<[number, number]>;
  heraldGiveBackAttempt(key: string): Promise<number>;
};

/** One attempt counted: whether it is within the budget, and when the window ends. */
export interface Attempt {
  allowed: boolean;
  /** Seconds until the window ends (for `Retry-After`), at least 1. */
  retryAfterS: number;
  /** Returns this attempt's slot: for an attempt that turned out not to be a failure. */
  giveBack(): Promise<void>;
}

/**
 * Budgets of sign-in attempts in Redis, shared by every API process: at most
 * `max` attempts per `id` (an e-mail, a client address) in a window that
 * starts with the first one. An attempt takes its slot before the password is
 * checked, so a burst of concurrent guesses gets `max` checks, not one check
 * each; a successful one gives its slot back, so the count is failures plus
 * attempts in flight, and a real user's sign-in neither spends nor resets an
 * attacker's count. Rejects when Redis cannot be asked; the caller decides.
 */
export function createSignInAttempts(redis: RedisClient, prefix: string) {
  const r = redis as AttemptRedis;
  if (typeof r.heraldTakeAttempt !== "function") {
    r.defineCommand("heraldTakeAttempt", { numberOfKeys: 1, lua: TAKE });
    r.defineCommand("heraldGiveBackAttempt", { numberOfKeys: 1, lua: GIVE_BACK });
  }
  return {
    async take(id: string, max: number, windowMs: number): Promise<Attempt> {
      const key = `${prefix}:${id}`;
      const [count, ttlMs] = await r.heraldTakeAttempt(key, windowMs);
      return {
        allowed: count <= max,
        retryAfterS: Math.max(1, Math.ceil(ttlMs / 1000)),
        giveBack: async () => {
          await r.heraldGiveBackAttempt(key);
        },
      };
    },
  };
}

export type SignInAttempts = ReturnType<typeof createSignInAttempts>;
