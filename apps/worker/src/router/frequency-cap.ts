import { parseDuration } from "@herald/config";
import { CATEGORIES, CHANNELS, type Channel } from "@herald/domain";
import type { RedisClient } from "@herald/jobs";
import { z } from "zod";

/** At most `max` notifications of `category` on `channel` per user in any `windowMs`. */
export interface FrequencyCap {
  category: string;
  channel: Channel;
  max: number;
  windowMs: number;
}

/** `FREQUENCY_CAPS=marketing:email:3/1d,marketing:push:5/12h` */
export const frequencyCapList = z.string().transform((s, ctx) => {
  const caps: FrequencyCap[] = [];
  for (const part of s
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+):([a-z_]+):(\d+)\/(.+)$/.exec(part);
    const problem = !m
      ? 'must look like "category:channel:max/window", e.g. marketing:email:3/1d'
      : !Object.hasOwn(CATEGORIES, m[1]!)
        ? `unknown category "${m[1]}"`
        : !(CHANNELS as readonly string[]).includes(m[2]!)
          ? `unknown channel "${m[2]}"`
          : null;
    if (problem || !m) {
      ctx.addIssue({ code: "custom", message: `${part}: ${problem}` });
      return z.NEVER;
    }
    try {
      const windowMs = parseDuration(m[4]!);
      if (windowMs <= 0 || Number(m[3]) < 1) throw new Error("max and window must be positive");
      caps.push({ category: m[1]!, channel: m[2] as Channel, max: Number(m[3]), windowMs });
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `${part}: ${(e as Error).message}` });
      return z.NEVER;
    }
  }
  return caps;
});

// Sliding window per cap: a sorted set of event ids scored by routing time.
// All caps of one (user, category, channel) are checked, then all counted, in
// one script, so concurrent routers in any process cannot overshoot, and a
// re-run of the same event (same member) is not counted twice.
const TAKE_SLOT = `
local now = tonumber(ARGV[1])
local member = ARGV[2]
for i = 1, #KEYS do
  local window = tonumber(ARGV[1 + 2 * i])
  local max = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if not redis.call('ZSCORE', KEYS[i], member) and redis.call('ZCARD', KEYS[i]) >= max then
    return 0
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'NX', now, member)
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[1 + 2 * i]) + 60000)
end
return 1`;

export interface CapCheck {
  recipientId: string;
  category: string;
  channel: Channel;
  /** Counted once per member: the event id. */
  member: string;
  now: Date;
}

/**
 * Counts one notification against every cap of its (category, channel) and
 * says whether it may go. False means a cap is full: SUPPRESSED `frequency_cap`.
 */
export async function takeFrequencySlot(
  redis: RedisClient,
  prefix: string,
  caps: readonly FrequencyCap[],
  check: CapCheck,
): Promise<boolean> {
  const matching = caps.filter((c) => c.category === check.category && c.channel === check.channel);
  if (matching.length === 0) return true;
  // One hash tag per recipient: the keys of one call share a Redis Cluster slot.
  const keys = matching.map(
    (c) => `${prefix}:{cap:${check.recipientId}}:${c.category}:${c.channel}:${c.windowMs}`,
  );
  const args = matching.flatMap((c) => [String(c.windowMs), String(c.max)]);
  const allowed = await redis.eval(
    TAKE_SLOT,
    keys.length,
    ...keys,
    String(check.now.getTime()),
    check.member,
    ...args,
  );
  return Number(allowed) === 1;
}
