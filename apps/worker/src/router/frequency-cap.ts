import { parseDuration } from "@herald/config";
import { CATEGORIES, CHANNELS, type Channel } from "@herald/domain";
import { frequencyCapKey, type RedisClient } from "@herald/jobs";
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

// One sorted set per (user, category, channel): event ids scored by when each
// notification is due to go out (its sendAt, or the end of the quiet hours
// holding it), not when it was routed, so a campaign routed on Friday for
// Monday counts on Monday. Each cap of the set allows at most `max` members in
// any `window`-long span: the new member at `due` is refused if some span
// holding it already holds `max`. Such a span [a, a + window) starts at `due`
// or at a member in (due - window, due] (moving a span's start right to the
// nearest member or to `due` keeps every member it held), so those starts are
// all the script checks. Members scored at or before now minus the longest
// window can no longer share a span with a send (none is due before now) and
// are trimmed; future ones are kept, and the key lives until the last of them
// is a window old. One script, so concurrent routers in any process cannot
// overshoot; a re-run of the same event (same member) is not counted twice.
// The arguments (now, due, member, then window and max per cap) and what both scripts share:
// trimming, the span check and the key's time to live.
const PRELUDE = `
local now = tonumber(ARGV[1])
local due = tonumber(ARGV[2])
local member = ARGV[3]
local longest = 0
for i = 4, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local function full(from, window, max)
  return redis.call('ZCOUNT', KEYS[1], from, '(' .. (from + window)) >= max
end
local function fits()
  for i = 4, #ARGV, 2 do
    local window = tonumber(ARGV[i])
    local max = tonumber(ARGV[i + 1])
    if full(due, window, max) then return false end
    local starts = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (due - window), due, 'WITHSCORES')
    for j = 2, #starts, 2 do
      if full(tonumber(starts[j]), window, max) then return false end
    end
  end
  return true
end
local function keep()
  local last = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
  redis.call('PEXPIRE', KEYS[1], math.max(last, now) - now + longest + 60000)
end
`;

const TAKE_SLOT = `${PRELUDE}
if redis.call('ZSCORE', KEYS[1], member) then return 1 end
if not fits() then return 0 end
redis.call('ZADD', KEYS[1], due, member)
keep()
return 1`;

// A held notification whose time changed is counted again at its new time, as the router counts
// a new one, without itself: refused, it keeps the place it had (0). 2: it had none (it was not
// counted when routed), and still has none.
const MOVE_SLOT = `${PRELUDE}
local old = redis.call('ZSCORE', KEYS[1], member)
if not old then return 2 end
redis.call('ZREM', KEYS[1], member)
if not fits() then
  redis.call('ZADD', KEYS[1], old, member)
  return 0
end
redis.call('ZADD', KEYS[1], due, member)
keep()
return 1`;

export interface CapCheck {
  recipientId: string;
  category: string;
  channel: Channel;
  /** Counted once per member: the event id. */
  member: string;
  /** Routing time: what is older than every cap's window by now is forgotten. */
  now: Date;
  /** When the notification is due to go out (sendAt, the end of quiet hours, else `now`): its place in the windows. */
  dueAt: Date;
}

/**
 * Counts one notification against every cap of its (category, channel) at
 * its due time and says whether it may go. False means a cap is full around
 * that time: SUPPRESSED `frequency_cap`.
 */
export async function takeFrequencySlot(
  redis: RedisClient,
  prefix: string,
  caps: readonly FrequencyCap[],
  check: CapCheck,
): Promise<boolean> {
  return (await runSlotScript(redis, prefix, caps, check, TAKE_SLOT)) !== 0;
}

/** How a moved notification's slot fared: counted at its new time, refused there (kept where it was), or none to move. */
export type SlotMoveResult = "moved" | "refused" | "none";

/**
 * Counts a notification whose due time moved (a hold for quiet hours the
 * user changed) at its new time `dueAt`, as the router would count it there,
 * its old place aside. Refused, it keeps the place it had. A notification
 * that took no slot (uncapped when routed) is not counted now either.
 */
export async function moveFrequencySlot(
  redis: RedisClient,
  prefix: string,
  caps: readonly FrequencyCap[],
  check: CapCheck,
): Promise<SlotMoveResult> {
  const answer = await runSlotScript(redis, prefix, caps, check, MOVE_SLOT);
  return answer === 1 ? "moved" : answer === 0 ? "refused" : "none";
}

/** Runs a slot script over the caps of the check's (category, channel); 2 when none applies. */
async function runSlotScript(
  redis: RedisClient,
  prefix: string,
  caps: readonly FrequencyCap[],
  check: CapCheck,
  script: string,
): Promise<number> {
  const matching = caps.filter((c) => c.category === check.category && c.channel === check.channel);
  if (matching.length === 0) return 2;
  const key = frequencyCapKey(prefix, check.recipientId, check.category, check.channel);
  const args = matching.flatMap((c) => [String(c.windowMs), String(c.max)]);
  const answer = await redis.eval(
    script,
    1,
    key,
    String(check.now.getTime()),
    String(Math.max(check.dueAt.getTime(), check.now.getTime())),
    check.member,
    ...args,
  );
  return Number(answer);
}

// A send that went out although it was canceled (the provider call was in flight): the slot the
// cancel gave back is taken again at the send's time, counted or not (it went out), and the set
// lives a window past its last member, as TAKE_SLOT keeps it. NX: a slot still there stays.
const RETAKE_SLOT = `
local at = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], 'NX', at, ARGV[2])
local last = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
local keep = math.max(last, at) - at + tonumber(ARGV[3]) + 60000
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return 1`;

/** The slot of a notification that went out at `sentAt`. */
export interface SentSlot {
  recipientId: string;
  category: string;
  channel: Channel;
  /** The event id, as the router counted it. */
  member: string;
  sentAt: Date;
}

/**
 * Counts a notification that went out, whatever the caps say: canceled while
 * its send was in flight, the cancel gave its slot back, yet the user got
 * it. Nothing for an uncapped (category, channel).
 */
export async function retakeFrequencySlot(
  redis: RedisClient,
  prefix: string,
  caps: readonly FrequencyCap[],
  slot: SentSlot,
): Promise<void> {
  const matching = caps.filter((c) => c.category === slot.category && c.channel === slot.channel);
  if (matching.length === 0) return;
  await redis.eval(
    RETAKE_SLOT,
    1,
    frequencyCapKey(prefix, slot.recipientId, slot.category, slot.channel),
    String(slot.sentAt.getTime()),
    slot.member,
    String(Math.max(...matching.map((c) => c.windowMs))),
  );
}
