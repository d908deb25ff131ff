import type { RedisClient } from "@herald/jobs";

// One round trip: count this hit in the key's current window and say how long
// the window has left. The window's key expires with the window.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

type CountingRedis = RedisClient & {
  heraldCountInWindow(key: string, windowMs: number): Promise<[number, number]>;
};

/**
 * Fixed-window counters in Redis, shared by every API process (the rate
 * limits, the tracking budget). `count(id, windowMs)` counts one hit for `id`
 * in the current window and resolves to the window's count so far and the
 * milliseconds it has left; it rejects when Redis cannot be asked, and each
 * caller decides what that means.
 */
export function createWindowCounter(redis: RedisClient, prefix: string) {
  const r = redis as CountingRedis;
  if (typeof r.heraldCountInWindow !== "function") {
    r.defineCommand("heraldCountInWindow", { numberOfKeys: 1, lua: SCRIPT });
  }
  return {
    count(id: string, windowMs: number): Promise<[number, number]> {
      const window = Math.floor(Date.now() / windowMs);
      return r.heraldCountInWindow(`${prefix}:${id}:${window}`, windowMs);
    },
  };
}
