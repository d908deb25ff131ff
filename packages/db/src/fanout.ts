import { and, asc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { NewNotification, NotificationRow } from "./notifications.ts";
import { type RecipientWithPreferences, toPreferences } from "./preferences.ts";
import {
  devices,
  events,
  type FanoutPageCounts,
  fanoutPages,
  notifications,
  preferences,
  recipients,
  topicSubscribers,
} from "./schema/index.ts";

export type FanoutPageRow = typeof fanoutPages.$inferSelect;
export type { FanoutPageCounts };

/** A topic event's audience: subscribed by the time the event was accepted (re-runs see the same set). */
function audience(topic: string, acceptedAt: Date) {
  return and(eq(topicSubscribers.topicKey, topic), lte(topicSubscribers.createdAt, acceptedAt));
}

/**
 * Splits a topic event's audience into pages of `pageSize` by recipient id,
 * once: the page bounds are computed in PostgreSQL (only every
 * `pageSize`-th id comes back, never the audience) and stored, and a re-run
 * returns the stored plan instead of a new one.
 */
export async function planFanoutPages(
  db: Db,
  event: { id: string; topic: string; createdAt: Date },
  pageSize: number,
): Promise<FanoutPageRow[]> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [locked] = await t
      .select({ pages: events.fanoutPages })
      .from(events)
      .where(eq(events.id, event.id))
      .for("update");
    if (locked?.pages == null) {
      const bounds = await t.execute<{ id: string }>(sql`
        select recipient_id as id from (
          select recipient_id, row_number() over (order by recipient_id) as n
          from topic_subscribers
          where topic_key = ${event.topic} and created_at <= ${event.createdAt.toISOString()}::timestamptz
        ) s where n % ${pageSize} = 0 order by recipient_id`);
      const ids = [...bounds].map((b) => b.id);
      const rows = [...ids, null].map((until, page) => ({
        eventId: event.id,
        page,
        after: page === 0 ? null : ids[page - 1]!,
        until,
      }));
      for (let i = 0; i < rows.length; i += 1000) {
        await t
          .insert(fanoutPages)
          .values(rows.slice(i, i + 1000))
          .onConflictDoNothing();
      }
      await t.update(events).set({ fanoutPages: rows.length }).where(eq(events.id, event.id));
    }
    return t
      .select()
      .from(fanoutPages)
      .where(eq(fanoutPages.eventId, event.id))
      .orderBy(asc(fanoutPages.page));
  });
}

export async function getFanoutPage(db: Db, eventId: string, page: number): Promise<FanoutPageRow | null> {
  const [row] = await db
    .select()
    .from(fanoutPages)
    .where(and(eq(fanoutPages.eventId, eventId), eq(fanoutPages.page, page)));
  return row ?? null;
}

export type FanoutRecipient = RecipientWithPreferences;

/** One page of a topic event's audience with each recipient's preferences, in one query. */
export async function loadFanoutRecipients(
  db: Db,
  event: { topic: string; createdAt: Date },
  bounds: { after: string | null; until: string | null },
): Promise<FanoutRecipient[]> {
  const rows = await db
    .select({ recipient: recipients, prefs: preferences })
    .from(topicSubscribers)
    .innerJoin(recipients, eq(recipients.id, topicSubscribers.recipientId))
    .leftJoin(preferences, eq(preferences.recipientId, topicSubscribers.recipientId))
    .where(
      and(
        audience(event.topic, event.createdAt),
        bounds.after ? gt(topicSubscribers.recipientId, bounds.after) : undefined,
        bounds.until ? lte(topicSubscribers.recipientId, bounds.until) : undefined,
      ),
    )
    .orderBy(asc(topicSubscribers.recipientId));
  return rows.map(({ recipient, prefs }) => ({ recipient, prefs: toPreferences(prefs) }));
}

/** The devices of many recipients, in one query. */
export async function listDevicesOf(db: Db, recipientIds: string[]) {
  if (recipientIds.length === 0) return [];
  return db.select().from(devices).where(inArray(devices.recipientId, recipientIds));
}

export interface FanoutSummary {
  pages: number;
  pagesDone: number;
  recipients: number;
  notifications: number;
  skipped: Record<string, number>;
}

/** A topic event's fan-out so far, summed over its finished pages. */
export async function fanoutSummary(db: Db, eventId: string): Promise<FanoutSummary> {
  const rows = await db
    .select({ counts: fanoutPages.counts, doneAt: fanoutPages.doneAt })
    .from(fanoutPages)
    .where(eq(fanoutPages.eventId, eventId));
  const out: FanoutSummary = {
    pages: rows.length,
    pagesDone: 0,
    recipients: 0,
    notifications: 0,
    skipped: {},
  };
  for (const r of rows) {
    if (!r.doneAt || !r.counts) continue;
    out.pagesDone++;
    out.recipients += r.counts.recipients;
    out.notifications += r.counts.notifications;
    for (const [reason, n] of Object.entries(r.counts.skipped))
      out.skipped[reason] = (out.skipped[reason] ?? 0) + n;
  }
  return out;
}

/**
 * Records a page as done (a re-run overwrites it with the same counts) and,
 * when it was the last open page, marks the event routed. Each page commits
 * before it counts the open ones, so the last to finish always sees none.
 */
export async function finishFanoutPage(
  db: Db,
  eventId: string,
  page: number,
  counts: FanoutPageCounts,
): Promise<{ eventDone: boolean }> {
  await db
    .update(fanoutPages)
    .set({ counts, doneAt: sql`coalesce(${fanoutPages.doneAt}, now())` })
    .where(and(eq(fanoutPages.eventId, eventId), eq(fanoutPages.page, page)));
  const [open] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(fanoutPages)
    .where(and(eq(fanoutPages.eventId, eventId), isNull(fanoutPages.doneAt)));
  if ((open?.n ?? 0) > 0) return { eventDone: false };
  await db
    .update(events)
    .set({ status: "routed", routedAt: new Date() })
    .where(and(eq(events.id, eventId), eq(events.status, "accepted")));
  return { eventDone: true };
}

/** What a fan-out page needs back from its inserts: enough to enqueue the send jobs. */
export type FanoutNotification = Pick<
  NotificationRow,
  "id" | "channel" | "status" | "priority" | "scheduledAt"
>;

/**
 * Inserts a page of notifications and their first timeline entries in one
 * statement: the rows travel as one JSON parameter (a multi-row VALUES of a
 * thousand 15-column rows costs more to build and describe than to run).
 * Rows that exist already (a retried page) are left alone and returned as
 * they are, unique per (event, recipient, channel).
 */
export async function insertFanoutNotifications(
  db: Db,
  rows: NewNotification[],
  at: Date,
): Promise<FanoutNotification[]> {
  if (rows.length === 0) return [];
  const input = JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      event_id: r.eventId,
      recipient_id: r.recipientId,
      user_id: r.userId,
      type: r.type,
      category: r.category,
      channel: r.channel,
      priority: r.priority,
      status: r.status,
      reason: r.reason ?? null,
      content: r.content,
      dedup_key: r.dedupKey ?? null,
      scheduled_at: r.scheduledAt ? r.scheduledAt.toISOString() : null,
    })),
  );
  const ts = at.toISOString();
  const created = await db.execute<{
    id: string;
    channel: NotificationRow["channel"];
    status: NotificationRow["status"];
    priority: NotificationRow["priority"];
    scheduled_at: string | null;
  }>(sql`
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as x(
        id text, event_id text, recipient_id text, user_id text, type text, category text, channel text,
        priority text, status text, reason text, content jsonb, dedup_key text, scheduled_at timestamptz)
    ), ins as (
      insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority,
        status, reason, content, dedup_key, scheduled_at, created_at, updated_at, queued_at)
      select id, event_id, recipient_id, user_id, type, category, channel, priority, status, reason, content,
        dedup_key, scheduled_at, ${ts}::timestamptz, ${ts}::timestamptz,
        case when status = 'QUEUED' then ${ts}::timestamptz end
      from input
      on conflict (event_id, recipient_id, channel) do nothing
      returning id, channel, status, priority, scheduled_at, reason
    ), timeline as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, 'PENDING', ${ts}::timestamptz, null::jsonb from ins
      union all
      select id, status, ${ts}::timestamptz,
        case when reason is not null then jsonb_build_object('reason', reason) end
      from ins where status <> 'PENDING'
    )
    select id, channel, status, priority, scheduled_at from ins`);
  const slim = (r: (typeof created)[number]): FanoutNotification => ({
    id: r.id,
    channel: r.channel,
    status: r.status,
    priority: r.priority,
    scheduledAt: r.scheduled_at ? new Date(r.scheduled_at) : null,
  });
  const out = [...created].map(slim);
  if (out.length === rows.length) return out;
  // A retried page: read back the rows an earlier run made, so their send jobs are (re-)enqueued.
  const createdIds = new Set(out.map((r) => r.id));
  const missing = rows.filter((r) => !createdIds.has(r.id!));
  const existing = await db
    .select({
      id: notifications.id,
      channel: notifications.channel,
      status: notifications.status,
      priority: notifications.priority,
      scheduledAt: notifications.scheduledAt,
      recipientId: notifications.recipientId,
    })
    .from(notifications)
    .where(
      and(
        eq(notifications.eventId, missing[0]!.eventId),
        inArray(notifications.recipientId, [...new Set(missing.map((m) => m.recipientId))]),
      ),
    );
  const wanted = new Set(missing.map((m) => `${m.recipientId}\u0000${m.channel}`));
  for (const e of existing) {
    if (wanted.has(`${e.recipientId}\u0000${e.channel}`)) {
      const { recipientId: _r, ...rest } = e;
      out.push(rest);
    }
  }
  return out;
}
