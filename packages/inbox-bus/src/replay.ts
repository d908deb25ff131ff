import type { Cluster, Redis } from "ioredis";
import { compareStreamIds, type InboxEvent, type InboxMessage, inboxLogKey } from "./inbox-events.ts";

export interface Replay {
  messages: InboxMessage[];
  /** True when events after `afterId` were already trimmed: the client should refetch the feed. */
  gap: boolean;
}

/** Events in the recipient's log after `afterId` (exclusive), oldest first. */
export async function readInboxEventsAfter(
  redis: Redis | Cluster,
  prefix: string,
  recipientId: string,
  afterId: string,
): Promise<Replay> {
  const key = inboxLogKey(prefix, recipientId);
  const [entries, first] = await Promise.all([
    redis.xrange(key, `(${afterId}`, "+"),
    redis.xrange(key, "-", "+", "COUNT", 1),
  ]);
  const messages: InboxMessage[] = [];
  for (const [sid, fields] of entries) {
    const json = fields[fields.indexOf("e") + 1];
    if (!json) continue;
    messages.push({ ...(JSON.parse(json) as InboxEvent), sid });
  }
  const oldest = first[0]?.[0];
  // The client's last id is older than anything kept, so something in between may be gone.
  const gap = afterId !== "0-0" && oldest !== undefined && compareStreamIds(afterId, oldest) < 0;
  return { messages, gap };
}

/** Id of the newest event in the recipient's log, or `0-0` when there is none. */
export async function latestInboxEventId(
  redis: Redis | Cluster,
  prefix: string,
  recipientId: string,
): Promise<string> {
  const last = await redis.xrevrange(inboxLogKey(prefix, recipientId), "+", "-", "COUNT", 1);
  return last[0]?.[0] ?? "0-0";
}
