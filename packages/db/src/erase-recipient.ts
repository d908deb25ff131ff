import { randomBytes } from "node:crypto";
import { FINAL_FAILURE_REASONS } from "@herald/domain";
import { newId } from "@herald/ids";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import {
  auditLog,
  devices,
  digests,
  fanoutMisses,
  preferences,
  recipients,
  schedules,
  topicSubscribers,
} from "./schema/index.ts";

/**
 * Notifications (and events) rewritten per statement. Each batch is its own
 * short transaction, so erasing a user with a million notifications never
 * holds row locks that a worker's status write would queue behind for long.
 */
export const ERASE_BATCH_SIZE = 500;

export interface EraseResult {
  /** The erased recipient's internal id; it keeps its history under `tombstone`. */
  recipientId: string;
  /** What the erased rows now name instead of the app's user id. */
  tombstone: string;
  /** Notifications not sent yet, or dead ends an operator could retry, that the erase canceled (`recipient_erased`). */
  canceled: number;
}

/**
 * Notifications that could still be sent: a send ahead (a FAILED row awaits a
 * retry while it has no reason), or a dead end that an operator's retry
 * (dead-letter routes, dashboard) would send again: DEAD, or FAILED for good.
 */
const CANCELABLE = sql`(n.status in ('PENDING', 'SCHEDULED', 'QUEUED', 'DEAD')
  or (n.status = 'FAILED' and (n.reason is null or n.reason in (${sql.join(
    FINAL_FAILURE_REASONS.map((r) => sql`${r}`),
    sql`, `,
  )})))
  or (n.status = 'DIGESTED' and exists (
    select 1 from digests d where d.notification_id = n.digest_id and d.status = 'open')))`;

/**
 * Erases a recipient: PII, devices, preferences, topic memberships, recurring
 * schedules and the record of topic events that sent them nothing go, and
 * everything kept for operators (notifications with their statuses and
 * timelines, events, digest windows, audit log entries about the user) is
 * detached from the app's user id: it
 * names a tombstone (`erased:<usr id>:<random>`, which no API caller can
 * guess, so no one can claim that history back). A new, empty erased
 * recipient keeps the user id, so stray events still reach no one and a later
 * `PUT` starts a fresh recipient (new internal id) with nothing inherited.
 * Notifications not sent yet, and dead letters (which an operator could
 * otherwise retry), are canceled; their jobs then find nothing to do.
 *
 * The recipient part is one transaction. Notifications and events follow in
 * batches: should the process die in between, repeating the erase finishes
 * them, since they still carry the user id that their recipient no longer has.
 * Returns null when the user id is unknown.
 */
export async function eraseRecipient(
  db: Db,
  externalId: string,
  batchSize = ERASE_BATCH_SIZE,
): Promise<EraseResult | null> {
  const detached = await detachRecipient(db, externalId);
  if (!detached) return null;
  let canceled = 0;
  for (;;) {
    const batch = await scrubNotifications(db, externalId, batchSize);
    canceled += batch.canceled;
    if (batch.picked < batchSize) break;
  }
  while ((await scrubEvents(db, externalId, detached, batchSize)) === batchSize) {
    // next batch
  }
  return { recipientId: detached.id, tombstone: detached.tombstone, canceled };
}

interface Detached {
  id: string;
  tombstone: string;
}

async function detachRecipient(db: Db, externalId: string): Promise<Detached | null> {
  return db.transaction(async (tx) => {
    const suffix = randomBytes(10).toString("hex");
    // The database's clock: events are stamped by it, and the erase covers those made before it.
    const [row] = await tx
      .update(recipients)
      .set({
        externalId: sql`'erased:' || ${recipients.id} || ':' || ${suffix}`,
        email: null,
        phone: null,
        locale: null,
        timezone: null,
        properties: {},
        updatedAt: sql`now()`,
        erasedAt: sql`now()`,
      })
      .where(eq(recipients.externalId, externalId))
      .returning({ id: recipients.id, tombstone: recipients.externalId, erasedAt: recipients.erasedAt });
    if (!row?.erasedAt) return null;
    const erasedAt = row.erasedAt;
    // The erased user's tokens (which never expire unless issued so) must not open the id's next owner's inbox.
    await tx.insert(recipients).values({ id: newId("usr"), externalId, erasedAt, tokensValidFrom: erasedAt });
    await tx.delete(devices).where(eq(devices.recipientId, row.id));
    await tx.delete(preferences).where(eq(preferences.recipientId, row.id));
    await tx.delete(topicSubscribers).where(eq(topicSubscribers.recipientId, row.id));
    await tx.delete(fanoutMisses).where(eq(fanoutMisses.recipientId, row.id));
    // Their recurring schedules: the data may hold PII, and no run should reach the id's next owner.
    await tx.delete(schedules).where(eq(schedules.recipientId, row.id));
    // Few per user (one per window and channel): their items are canceled below, so a flush finds none.
    await tx.update(digests).set({ userId: row.tombstone }).where(eq(digests.recipientId, row.id));
    // Operators' actions on the user stay on record, under the tombstone as the rest of the history.
    await tx
      .update(auditLog)
      .set({ targetId: row.tombstone })
      .where(and(eq(auditLog.targetType, "user"), eq(auditLog.targetId, externalId)));
    return { id: row.id, tombstone: row.tombstone };
  });
}

/** Timeline detail keys an erase removes (the rest is Herald's own: statuses, providers, ids, attempts). */
const TIMELINE_PII_KEYS = sql.raw(`'{error,failover,url}'::text[]`);

/**
 * One batch of notifications still named by the user id whose recipient no
 * longer holds it: renamed to that recipient's tombstone, content and errors
 * cleared (provider errors quote addresses), dedup keys and click targets
 * too, and the cancelable ones
 * canceled with a timeline entry like any cancel.
 */
async function scrubNotifications(
  db: Db,
  externalId: string,
  size: number,
): Promise<{ picked: number; canceled: number }> {
  const [counts] = await db.execute<{ picked: number; canceled: number }>(sql`
    with picked as (
      select n.id, r.external_id as tombstone, ${CANCELABLE} as to_cancel
      from notifications n join recipients r on r.id = n.recipient_id
      where n.user_id = ${externalId}
        and n.recipient_id <> coalesce((select id from recipients where external_id = ${externalId}), '')
      order by n.id
      limit ${size}
      for update of n
    ), u as (
      update notifications n
      set user_id = p.tombstone,
          content = json_build_object('channel', n.channel, 'erased', true),
          last_error = null,
          -- Apps build dedup keys from what identifies the message to them: often an address.
          dedup_key = null,
          status = case when p.to_cancel then 'CANCELED' else n.status end,
          reason = case when p.to_cancel then 'recipient_erased' else n.reason end,
          updated_at = case when p.to_cancel then now() else n.updated_at end
      from picked p
      where n.id = p.id
    ), canceled as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, 'CANCELED', now(), '{"reason":"recipient_erased","by":"erase"}'::jsonb
      from picked where to_cancel
    ), errors as (
      -- What the app or a provider wrote about the user: provider errors (the attempt's and its
      -- failover's) quote addresses, a click's url comes from the event's data.
      update notification_timeline set detail = detail - ${TIMELINE_PII_KEYS}
      where notification_id in (select id from picked) and detail ?| ${TIMELINE_PII_KEYS}
    ), outbox as (
      update outbox_messages
      set destination = '[erased]', content = json_build_object('channel', channel, 'erased', true)
      where notification_id in (select id from picked)
    )
    select count(*)::int as picked, (count(*) filter (where to_cancel))::int as canceled from picked`);
  return counts ?? { picked: 0, canceled: 0 };
}

/**
 * One batch of the user's events from before the erase: their data (the
 * app's payload about this user) cleared and their user id rewritten, so an
 * event not routed yet reaches the erased recipient, not a new one.
 */
async function scrubEvents(db: Db, externalId: string, erased: Detached, size: number): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    with picked as (
      select id from events
      -- The stored erased_at, not the Date read back: that one lost the microseconds, and an
      -- event accepted within the same millisecond before the erase would have kept its data.
      where user_id = ${externalId}
        and created_at <= (select erased_at from recipients where id = ${erased.id})
      order by id
      limit ${size}
      for update
    ), u as (
      update events e set user_id = ${erased.tombstone}, data = '{}'::jsonb, dedup_key = null
      from picked p where e.id = p.id
    )
    select count(*)::int as n from picked`);
  return row?.n ?? 0;
}
