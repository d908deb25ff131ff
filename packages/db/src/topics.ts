import { newId } from "@herald/ids";
import { and, asc, count, desc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import { byteOrder } from "./byte-order.ts";
import type { Db } from "./client.ts";
import type { TimeKeyPosition } from "./cursor.ts";
import type { RecipientFields } from "./recipients.ts";
import { recipients, topicSubscribers, topics } from "./schema/index.ts";
import { upsertRecipients } from "./upsert-recipients.ts";

export type TopicRow = typeof topics.$inferSelect;

/** One subscriber to add: an app's user id, with contact data to upsert when given. */
export interface TopicSubscriberInput {
  userId: string;
  fields?: RecipientFields;
}

/**
 * Creates the topic if need be and holds it (`FOR KEY SHARE`) until the
 * transaction ends: a concurrent `deleteTopic` waits, then removes the
 * subscriptions made here too, instead of deleting the topic between this
 * check and the subscriptions' insert (a foreign key violation). One deleted
 * in that instant is not found by the lock (READ COMMITTED: a fresh
 * snapshot) and is created again.
 */
async function holdTopic(t: Db, key: string): Promise<void> {
  for (;;) {
    await t.insert(topics).values({ key }).onConflictDoNothing();
    const [held] = await t
      .select({ key: topics.key })
      .from(topics)
      .where(eq(topics.key, key))
      .for("key share");
    if (held) return;
  }
}

/**
 * Subscribes users to a topic, creating the topic and unknown recipients
 * (bare: in-app only) as needed. Returns how many were not subscribed before,
 * and the recipients whose digest windows a new time zone marked to move.
 * A user id given twice counts once; the last item's contact data wins.
 */
export async function addTopicSubscribers(
  db: Db,
  key: string,
  inputs: TopicSubscriberInput[],
): Promise<{ added: number; digestsUnsettled: string[] }> {
  const byUser = new Map(inputs.map((i) => [i.userId, i]));
  // In user id order as upsertRecipients and ingest lock them: overlapping writers wait, not deadlock.
  const items = [...byUser.values()].sort((a, b) => byteOrder(a.userId, b.userId));
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await holdTopic(t, key);
    // Only items with contact data revive an erased user id; a bare one is created if unknown.
    const withFields = items.filter((i) => Object.values(i.fields ?? {}).some((v) => v !== undefined));
    const { digestsUnsettled } = await upsertRecipients(
      t,
      withFields.map((i) => ({ userId: i.userId, fields: i.fields! })),
    );
    await t
      .insert(recipients)
      .values(items.map((i) => ({ id: newId("usr"), externalId: i.userId })))
      .onConflictDoNothing({ target: recipients.externalId });
    const ids = await t
      .select({ id: recipients.id })
      .from(recipients)
      .where(inArray(recipients.externalId, [...byUser.keys()]));
    const added = await t
      .insert(topicSubscribers)
      .values(
        ids
          .map((r) => r.id)
          .sort(byteOrder)
          .map((recipientId) => ({ topicKey: key, recipientId })),
      )
      .onConflictDoNothing()
      .returning({ id: topicSubscribers.recipientId });
    return { added: added.length, digestsUnsettled };
  });
}

/** Unsubscribes users from a topic; returns how many were subscribed. */
export async function removeTopicSubscribers(
  db: Db,
  key: string,
  userIds: string[],
): Promise<{ removed: number }> {
  if (userIds.length === 0) return { removed: 0 };
  const rows = await db
    .delete(topicSubscribers)
    .where(
      and(
        eq(topicSubscribers.topicKey, key),
        inArray(
          topicSubscribers.recipientId,
          db
            .select({ id: recipients.id })
            .from(recipients)
            .where(inArray(recipients.externalId, [...new Set(userIds)])),
        ),
      ),
    )
    .returning({ id: topicSubscribers.recipientId });
  return { removed: rows.length };
}

export async function getTopic(
  db: Db,
  key: string,
): Promise<(TopicRow & { subscriberCount: number }) | null> {
  const [row] = await db.select().from(topics).where(eq(topics.key, key));
  if (!row) return null;
  const counts = await countTopicSubscribers(db, [key]);
  return { ...row, subscriberCount: counts.get(key) ?? 0 };
}

/** A topic as the list of topics shows it, before its count. */
export type TopicListRow = Pick<TopicRow, "key" | "createdAt">;

/**
 * The keys starting with `prefix`, as bounds on the primary key: keys are
 * `COLLATE "C"` (byte order) and the prefix is printable ASCII, so they are
 * exactly `prefix <= key < prefix with its last character one higher`. No
 * LIKE pattern, so `%`, `_` and `\` in a prefix are plain characters, and a
 * generic plan walks the same index range as a custom one.
 */
function prefixBounds(prefix: string) {
  if (!/^[\x20-\x7e]+$/.test(prefix)) throw new RangeError("a topic key prefix is printable ASCII");
  const last = prefix.charCodeAt(prefix.length - 1);
  return and(gte(topics.key, prefix), lt(topics.key, prefix.slice(0, -1) + String.fromCharCode(last + 1)));
}

/**
 * A page of topics in key order after `afterKey`, only those whose key
 * starts with `prefix` when given (printable ASCII; taken literally). Counts
 * are {@link countTopicSubscribers}'s, for the rows kept.
 */
export async function listTopics(
  db: Db,
  options: { prefix?: string | undefined; afterKey: string | null; limit: number },
): Promise<TopicListRow[]> {
  return db
    .select({ key: topics.key, createdAt: topics.createdAt })
    .from(topics)
    .where(
      and(
        options.prefix ? prefixBounds(options.prefix) : undefined,
        options.afterKey ? gt(topics.key, options.afterKey) : undefined,
      ),
    )
    .orderBy(asc(topics.key))
    .limit(options.limit);
}

/**
 * The subscriber counts of these topics (0 when none), in one grouped count
 * over the primary key's index (topic first): it reads these topics'
 * subscriptions only, whatever the size of the table.
 */
export async function countTopicSubscribers(db: Db, keys: string[]): Promise<Map<string, number>> {
  const counts = new Map(keys.map((k) => [k, 0]));
  if (keys.length === 0) return counts;
  const rows = await db
    .select({ key: topicSubscribers.topicKey, n: count() })
    .from(topicSubscribers)
    .where(inArray(topicSubscribers.topicKey, [...new Set(keys)]))
    .groupBy(topicSubscribers.topicKey);
  for (const r of rows) counts.set(r.key, r.n);
  return counts;
}

/**
 * Deletes a topic and, by the foreign key's cascade, its subscriptions;
 * answers how many there were (for the log), or null when there was no such
 * topic. Events already sent to it keep its key; their fan-out pages not
 * run yet find no subscribers.
 */
export async function deleteTopic(db: Db, key: string): Promise<{ subscribers: number } | null> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // Locked first: a subscription in progress (holdTopic) finishes, and is counted and deleted too.
    const [found] = await t.select({ key: topics.key }).from(topics).where(eq(topics.key, key)).for("update");
    if (!found) return null;
    const subscribers = (await countTopicSubscribers(t, [key])).get(key) ?? 0;
    await t.delete(topics).where(eq(topics.key, key));
    return { subscribers };
  });
}

/** Which of these topics exist. */
export async function existingTopics(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .select({ key: topics.key })
    .from(topics)
    .where(inArray(topics.key, [...new Set(keys)]));
  return new Set(rows.map((r) => r.key));
}

/** A page of a topic's subscribers in recipient-id order (`id` is the keyset cursor). */
export async function listTopicSubscribers(
  db: Db,
  key: string,
  afterRecipientId: string | null,
  limit: number,
): Promise<{ id: string; userId: string; subscribedAt: Date }[]> {
  return db
    .select({
      id: topicSubscribers.recipientId,
      userId: recipients.externalId,
      subscribedAt: topicSubscribers.createdAt,
    })
    .from(topicSubscribers)
    .innerJoin(recipients, eq(recipients.id, topicSubscribers.recipientId))
    .where(
      and(
        eq(topicSubscribers.topicKey, key),
        afterRecipientId ? gt(topicSubscribers.recipientId, afterRecipientId) : undefined,
      ),
    )
    .orderBy(asc(topicSubscribers.recipientId))
    .limit(limit);
}

/** One of a recipient's topic memberships, and its place in the newest-first order. */
export interface RecipientTopicRow {
  topic: string;
  subscribedAt: Date;
  position: TimeKeyPosition;
}

/**
 * A page of the topics a recipient is subscribed to, newest subscription
 * first (same time: by key, descending), after `before` when given. A
 * position is the subscription's time and key rather than a row, so leaving
 * a topic between two pages moves nothing on the next one.
 */
export async function listRecipientTopics(
  db: Db,
  recipientId: string,
  before: TimeKeyPosition | null,
  limit: number,
): Promise<RecipientTopicRow[]> {
  const t = topicSubscribers;
  // Numeric in PostgreSQL 14+, so exact to the microsecond.
  const micros = sql<string>`(extract(epoch from ${t.createdAt}) * 1000000)::bigint::text`;
  const after = before
    ? sql`(${t.createdAt}, ${t.topicKey}) < (timestamptz 'epoch' + ${before.micros}::bigint * interval '1 microsecond', ${before.key})`
    : undefined;
  const rows = await db
    .select({ topic: t.topicKey, subscribedAt: t.createdAt, micros })
    .from(t)
    .where(and(eq(t.recipientId, recipientId), after))
    .orderBy(desc(t.createdAt), desc(t.topicKey))
    .limit(limit);
  return rows.map((r) => ({
    topic: r.topic,
    subscribedAt: r.subscribedAt,
    position: { micros: r.micros, key: r.topic },
  }));
}
