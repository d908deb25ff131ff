import type { Cluster, Redis } from "ioredis";
import { type InboxEvent, inboxChannel, inboxLogKey } from "./inbox-events.ts";

/** Events kept per user for replay; older ones are trimmed (a client that missed more refetches the feed). */
export const INBOX_LOG_LENGTH = 200;
/** A user's log disappears this long after their last event. */
export const INBOX_LOG_TTL_MS = 3 * 86_400_000;

// Append to the log and announce in one round trip, atomically: a reader that
// subscribed and then reads the log never misses an event between the two.
const PUBLISH = `
local sid = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], '{"sid":"' .. sid .. '",' .. string.sub(ARGV[2], 2))
return sid`;

const defined = new WeakSet<Redis | Cluster>();

type WithPublish = (Redis | Cluster) & {
  heraldInboxPublish(key: string, max: number, event: string, ttl: number, channel: string): Promise<string>;
};

/** Records `event` in the recipient's log and announces it to every API process. Returns its stream id. */
export async function publishInboxEvent(
  redis: Redis | Cluster,
  prefix: string,
  recipientId: string,
  event: InboxEvent,
): Promise<string> {
  if (!defined.has(redis)) {
    redis.defineCommand("heraldInboxPublish", { numberOfKeys: 1, lua: PUBLISH });
    defined.add(redis);
  }
  return (redis as WithPublish).heraldInboxPublish(
    inboxLogKey(prefix, recipientId),
    INBOX_LOG_LENGTH,
    JSON.stringify(event),
    INBOX_LOG_TTL_MS,
    inboxChannel(prefix, recipientId),
  );
}
