import { CATEGORIES, CHANNELS, type Channel } from "@herald/domain";
import type { RedisClient } from "./redis-client.ts";

/**
 * The Redis sorted set of one recipient's capped sends of `category` on
 * `channel` (`FREQUENCY_CAPS`, SPEC §5): members are event ids, scores the
 * time each notification is due to go out. The router counts and fills it;
 * the API gives a slot back when it cancels a notification before it went
 * out, which is why the key holds nothing the API cannot know (no cap
 * window: every cap of a (category, channel) counts over the one set).
 *
 * The `{cap:<recipient>}` hash tag keeps all of a recipient's sets in one
 * Redis Cluster slot, so an erase deletes them with one command.
 */
export function frequencyCapKey(
  prefix: string,
  recipientId: string,
  category: string,
  channel: Channel,
): string {
  return `${prefix}:{cap:${recipientId}}:${category}:${channel}`;
}

/** The slot one notification took: its event, counted in its recipient's (category, channel) set. */
export interface FrequencySlot {
  recipientId: string;
  category: string;
  channel: Channel;
  eventId: string;
}

/** Commands in flight at once: a topic event's cancel may give back a slot per subscriber. */
const RELEASE_CONCURRENCY = 500;

// What the set's expiry and the member's score were is returned (-1: no slot), so that a slot
// given back for a send that went out after all can be put back as it was (putBackFrequencySlots).
// The expiry as Redis's clock reads it, not the caller's.
const GIVE_BACK = `
local ttl = redis.call('PTTL', KEYS[1])
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return -1 end
redis.call('ZREM', KEYS[1], ARGV[1])
if ttl < 0 then return {score, '-1'} end
local t = redis.call('TIME')
return {score, tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ttl)}`;

/** A slot {@link releaseFrequencySlots} gave back: what putting it back needs. */
export interface ReleasedSlot<S extends FrequencySlot = FrequencySlot> {
  slot: S;
  /** Its time in the set. */
  score: number;
  /** When the set was to expire (Unix ms on Redis's clock); -1 for none. */
  expiresAt: number;
}

/**
 * Gives slots back (a notification canceled before it went out): the cap
 * then counts only what the user actually gets. A notification that took
 * none (critical, digested, capped, or of an uncapped category) costs a
 * no-op script. One script per slot, since a topic event's recipients are
 * spread over the slots of a Redis Cluster; ioredis pipelines them.
 * Returns the slots that were there.
 */
export async function releaseFrequencySlots<S extends FrequencySlot>(
  redis: RedisClient,
  prefix: string,
  slots: readonly S[],
): Promise<ReleasedSlot<S>[]> {
  const released: ReleasedSlot<S>[] = [];
  for (let i = 0; i < slots.length; i += RELEASE_CONCURRENCY) {
    const page = slots.slice(i, i + RELEASE_CONCURRENCY);
    const answers = await Promise.all(
      page.map((s) =>
        redis.eval(GIVE_BACK, 1, frequencyCapKey(prefix, s.recipientId, s.category, s.channel), s.eventId),
      ),
    );
    answers.forEach((a, j) => {
      if (Array.isArray(a)) released.push({ slot: page[j]!, score: Number(a[0]), expiresAt: Number(a[1]) });
    });
  }
  return released;
}

// Puts a given-back slot back at the send's time, and the set's expiry at least where it was,
// stretched by as much as the slot moved later (as MOVE_SLOT does): a window past its last member.
const PUT_BACK = `
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), ARGV[2])
local expires = tonumber(ARGV[3])
if expires < 0 then return 1 end
local t = redis.call('TIME')
local keep = expires + math.max(0, tonumber(ARGV[1]) - tonumber(ARGV[4]))
  - (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
if keep < 1 then keep = 1 end
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return 1`;

/**
 * Puts back slots given back for notifications that went out after all (a
 * cancel that came while the provider had the message): counted at `at`,
 * when it went out.
 */
export async function putBackFrequencySlots(
  redis: RedisClient,
  prefix: string,
  slots: readonly { released: ReleasedSlot; at: Date }[],
): Promise<void> {
  await Promise.all(
    slots.map(({ released: { slot: s, score, expiresAt }, at }) =>
      redis.eval(
        PUT_BACK,
        1,
        frequencyCapKey(prefix, s.recipientId, s.category, s.channel),
        String(at.getTime()),
        s.eventId,
        String(expiresAt),
        String(score),
      ),
    ),
  );
}

/** A slot and the time its notification now goes out. */
export interface SlotMove {
  slot: FrequencySlot;
  dueAt: Date;
}

// Moves a member that is there (ZADD XX would add none that is not: a notification that took no
// slot stays uncounted). The set lives a window past its last member (the router's PEXPIRE), and
// only the router knows the windows; moved past the last, the member stretches the time to live
// by as much, which keeps "a window past the last member" without knowing the window.
const MOVE_SLOT = `
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
local due = tonumber(ARGV[1])
local last = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
redis.call('ZADD', KEYS[1], 'XX', due, ARGV[2])
if due > last then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl + due - last) end
end
return 1`;

/**
 * Moves slots to their notifications' new due time (a scheduled one
 * rescheduled, a dead letter retried): caps count a notification when it
 * goes out, so one moved to next week must count next week, not on the day
 * it was first due. Not a new count: the time was the app's or an
 * operator's to choose. A notification that took no slot is left out.
 */
export async function moveFrequencySlots(
  redis: RedisClient,
  prefix: string,
  moves: readonly SlotMove[],
): Promise<void> {
  await Promise.all(
    moves.map(({ slot: s, dueAt }) =>
      redis.eval(
        MOVE_SLOT,
        1,
        frequencyCapKey(prefix, s.recipientId, s.category, s.channel),
        String(dueAt.getTime()),
        s.eventId,
      ),
    ),
  );
}

/** Deletes every cap set of a recipient (an erase), in one command: they share a hash tag. */
export async function forgetFrequencySlots(
  redis: RedisClient,
  prefix: string,
  recipientId: string,
): Promise<void> {
  const keys = Object.keys(CATEGORIES).flatMap((category) =>
    CHANNELS.map((channel) => frequencyCapKey(prefix, recipientId, category, channel)),
  );
  await redis.del(...keys);
}
