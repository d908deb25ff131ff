import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { EventRow } from "./events.ts";
import type { NotificationRow } from "./notifications.ts";
import { pg } from "./raw.ts";
import { events } from "./schema/index.ts";

/**
 * Notifications canceled per statement. Each batch is its own short
 * transaction (as an erase's), so canceling a topic event's hundred thousand
 * notifications never holds row locks a worker's status write queues behind
 * for long.
 */
export const CANCEL_BATCH_SIZE = 500;

/** What the caller needs of a canceled notification to remove its send job and give back its cap slot. */
export type CanceledNotification = Pick<
  NotificationRow,
  "id" | "recipientId" | "category" | "channel" | "priority" | "sendJob"
>;

export interface CanceledEvent {
  /** The event as it is now, `canceledAt` set (the first cancel's time). */
  event: EventRow;
  /** Notifications this call canceled (none when an earlier cancel got them all). */
  canceled: CanceledNotification[];
}

/**
 * Cancels an event (`DELETE /v1/events/:id`): marks it canceled, then
 * cancels its notifications not sent yet: PENDING, SCHEDULED, QUEUED, FAILED
 * (awaiting a retry, or for good), dead letters, and items waiting in a
 * digest that has not gone out. Sent and suppressed ones keep their status. Each canceled one gets a CANCELED timeline entry with `detail`.
 * Returns null for an unknown event.
 *
 * A repeat keeps the first `canceledAt` and cancels what is left, so a cancel
 * cut short (a crash between the statements) is finished by asking again.
 *
 * The order is what makes the cancel complete while the router is routing
 * the event: canceled_at is committed first, by an UPDATE that waits for the
 * router's notification inserts in flight (they share-lock the event row,
 * see `insertNotifications` and `addDigestItems`), and the notifications are
 * read afterwards, by statements that see every row those inserts committed.
 * Any insert after that reads canceled_at and inserts nothing.
 *
 * Last, the event's dedup claims are released when none of its
 * notifications reached anyone (see `releaseDedupClaims`), so the app can
 * trigger it again, corrected, under the same dedup key.
 */
export async function cancelEvent(
  db: Db,
  eventId: string,
  detail: Record<string, unknown>,
  batchSize = CANCEL_BATCH_SIZE,
): Promise<CanceledEvent | null> {
  // Its own statement, committed before the notifications are read: in one statement (or one
  // snapshot) they would be read as they were before its lock wait, without the router's rows.
  const [event] = await db
    .update(events)
    .set({ canceledAt: sql`coalesce(${events.canceledAt}, now())` })
    .where(eq(events.id, eventId))
    .returning();
  if (!event) return null;
  const canceled: CanceledNotification[] = [];
  for (const kind of [SEND_AHEAD, IN_OPEN_DIGEST]) {
    let after = { recipientId: "", channel: "" };
    for (;;) {
      const rows = await cancelBatch(db, kind, eventId, after, batchSize, detail);
      canceled.push(...rows);
      if (rows.length < batchSize) break;
      const last = rows[rows.length - 1]!;
      after = { recipientId: last.recipientId, channel: last.channel };
    }
  }
  await releaseDedupClaims(db, eventId);
  return { event, canceled };
}

/**
 * Deletes a canceled event's dedup claims unless one of its notifications
 * went out (SENT or later, a send recorded on a row canceled meanwhile, or
 * an item of a digest that was flushed): then the user did get it, and a
 * re-trigger with the same key is still a duplicate. All or nothing per
 * event: a topic event's claims (one per recipient) cannot be told apart by
 * recipient, so one recipient reached keeps them all, which errs toward no
 * duplicate. One statement, run after the notifications were canceled: it
 * sees every row the router inserted and every send recorded before it. A
 * send already in the provider's hands that is recorded after it (CANCELED
 * then SENT) has its claim released here; its worker claims it again
 * (`markSentOverCancel`, the worker's `keepWhatWentOut`).
 */
async function releaseDedupClaims(db: Db, eventId: string): Promise<void> {
  await pg(db)`
    delete from dedup_keys k
    where k.event_id = ${eventId}
      and not exists (
        select 1 from notifications n
        left join digests d on d.notification_id = n.digest_id
        where n.event_id = ${eventId}
          and (n.sent_at is not null
            or n.status in ('SENT', 'DELIVERED', 'READ', 'BOUNCED', 'COMPLAINED')
            or (n.status = 'DIGESTED' and d.status = 'sent')))`;
}

/** Which notifications a batch takes, as the `from` part of its select. */
type Kind = "send_ahead" | "in_open_digest";
const SEND_AHEAD: Kind = "send_ahead";
const IN_OPEN_DIGEST: Kind = "in_open_digest";

/**
 * One batch of an event's notifications of `kind`, in the order of the
 * (event, recipient, channel) unique index after `after`: a keyset, so
 * each batch starts where the last one stopped instead of reading the
 * event's canceled rows again.
 */
async function cancelBatch(
  db: Db,
  kind: Kind,
  eventId: string,
  after: { recipientId: string; channel: string },
  size: number,
  detail: Record<string, unknown>,
): Promise<CanceledNotification[]> {
  const q = pg(db);
  const picked =
    kind === SEND_AHEAD
      ? // Dead letters too (DEAD, FAILED for good): an operator's retry, one by one or "retry all"
        // after an outage, would otherwise send what the app canceled. Canceled, they leave the list.
        q`select n.id, n.recipient_id, n.channel from notifications n
          where n.event_id = ${eventId} and (n.recipient_id, n.channel) > (${after.recipientId}, ${after.channel})
            and n.status in ('PENDING', 'SCHEDULED', 'QUEUED', 'FAILED', 'DEAD')
          order by n.recipient_id, n.channel
          limit ${size}
          for update of n`
      : // The digest row share-locked, as cancelDigestItem does: a flush taking the window either
        // went first (the item went out with it, and is not picked) or waits and leaves it out.
        q`select n.id, n.recipient_id, n.channel from notifications n
          join digests d on d.notification_id = n.digest_id
          where n.event_id = ${eventId} and (n.recipient_id, n.channel) > (${after.recipientId}, ${after.channel})
            and n.status = 'DIGESTED' and d.status = 'open'
          order by n.recipient_id, n.channel
          limit ${size}
          for update of n for share of d`;
  const rows = await q<
    {
      id: string;
      recipient_id: string;
      category: string;
      channel: NotificationRow["channel"];
      priority: string;
      send_job: string | null;
    }[]
  >`
    with picked as (${picked}), u as (
      update notifications n set status = 'CANCELED', updated_at = now()
      from picked p where n.id = p.id
      returning n.id, n.category, n.priority, n.send_job
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, 'CANCELED', now(), ${JSON.stringify(detail)}::jsonb from u
    )
    select p.id, p.recipient_id, u.category, p.channel, u.priority, u.send_job
    from picked p join u using (id)
    order by p.recipient_id, p.channel`;
  return rows.map((r) => ({
    id: r.id,
    recipientId: r.recipient_id,
    category: r.category,
    channel: r.channel,
    priority: r.priority as NotificationRow["priority"],
    sendJob: r.send_job,
  }));
}
