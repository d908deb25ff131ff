import { newId } from "@herald/ids";
import { and, asc, count, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { TimeKeyPosition } from "./cursor.ts";
import { createdOnRevival, markedNow, type RecipientFields, timezoneUnsettlesDigests } from "./recipients.ts";
import { recipients, topicSubscribers, topics } from "./schema/index.ts";

export type TopicRow = typeof topics.$inferSelect;

/** One subscriber to add: an app's user id, with contact data to upsert when given. */
export interface TopicSubscriberInput {
  userId: string;
  fields?: RecipientFields;
}

const FIELD_NAMES = ["email", "phone", "locale", "timezone", "properties"] as const;

/**
 * Upserts recipients that came with contact data. Items are grouped by which
 * fields they set, so each group is one multi-row upsert that leaves the
 * fields it does not name as they were (like `upsertRecipient`). Returns the
 * recipients whose new time zone marked their digest windows to move.
 */
async function upsertContactData(db: Db, items: TopicSubscriberInput[]): Promise<string[]> {
  const marked: string[] = [];
  const groups = new Map<string, TopicSubscriberInput[]>();
  for (const item of items) {
    const given = FIELD_NAMES.filter((f) => item.fields?.[f] !== undefined);
    if (given.length === 0) continue;
    const key = given.join(",");
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const [key, group] of groups) {
    const names = key.split(",") as (typeof FIELD_NAMES)[number][];
    const set = Object.fromEntries(names.map((n) => [n, sql.raw(`excluded.${recipients[n].name}`)]));
    const rows = await db
      .insert(recipients)
      .values(
        group.map((g) => ({
          id: newId("usr"),
          externalId: g.userId,
          ...Object.fromEntries(names.map((n) => [n, g.fields![n]])),
        })),
      )
      .onConflictDoUpdate({
        target: recipients.externalId,
        set: {
          ...set,
          ...(names.includes("timezone") ? timezoneUnsettlesDigests : {}),
          updatedAt: new Date(),
          erasedAt: null,
          createdAt: createdOnRevival,
        },
      })
      .returning({ id: recipients.id, marked: markedNow });
    for (const r of rows) if (r.marked) marked.push(r.id);
  }
  return marked;
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
  const items = [...byUser.values()];
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.insert(topics).values({ key }).onConflictDoNothing();
    const digestsUnsettled = await upsertContactData(t, items);
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
      .values(ids.map((r) => ({ topicKey: key, recipientId: r.id })))
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
  const [c] = await db
    .select({ n: count() })
    .from(topicSubscribers)
    .where(eq(topicSubscribers.topicKey, key));
  return { ...row, subscriberCount: c?.n ?? 0 };
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
