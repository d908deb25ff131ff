import {
  FINAL_FAILURE_REASONS,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
  statusesInto,
} from "@herald/domain";
import { and, desc, eq, gte, inArray, isNull, lt, lte, not, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { jsonArrayParam } from "./json-param.ts";
import { prepared } from "./prepared.ts";
import { isoOrNull, pg, rowReader } from "./raw.ts";
import { notifications, notificationTimeline } from "./schema/index.ts";

export type NotificationRow = typeof notifications.$inferSelect;
export type TimelineRow = typeof notificationTimeline.$inferSelect;
export type NewNotification = Omit<typeof notifications.$inferInsert, "createdAt" | "updatedAt">;

/** Maps a `select *` row read through {@link pg} to the drizzle row type. */
export const readNotification = rowReader<NotificationRow>(notifications);

/** What makes a notification unique: one per (event, recipient, channel). */
export function notificationKey(n: Pick<NotificationRow, "eventId" | "recipientId" | "channel">): string {
  return `${n.eventId}\u0000${n.recipientId}\u0000${n.channel}`;
}

/** What the router and a fan-out page need back from their inserts: the key, and enough to enqueue the send job. */
export type CreatedNotification = Pick<
  NotificationRow,
  "id" | "eventId" | "recipientId" | "channel" | "status" | "priority" | "scheduledAt" | "sendJob"
>;

interface SlimRow {
  id: string;
  event_id: string;
  recipient_id: string;
  channel: NotificationRow["channel"];
  status: NotificationRow["status"];
  priority: NotificationRow["priority"];
  scheduled_at: string | null;
  send_job: string | null;
}

const fromSlim = (r: SlimRow): CreatedNotification => ({
  id: r.id,
  eventId: r.event_id,
  recipientId: r.recipient_id,
  channel: r.channel,
  status: r.status,
  priority: r.priority,
  scheduledAt: r.scheduled_at ? new Date(r.scheduled_at) : null,
  sendJob: r.send_job,
});

/**
 * Inserts notifications with their first timeline entries (PENDING, then the
 * initial status), in one statement whose rows travel as one JSON parameter:
 * the statement text never changes, so it is prepared once per connection,
 * and serialising a row is a fraction of building a multi-row VALUES for it.
 * A row's `createdAt` (default `at`) is also its updated/queued time.
 *
 * One row per (event, recipient, channel): rows that exist already (a router
 * or a fan-out page that runs twice) are left alone and returned as stored.
 *
 * Rows of a canceled event (`events.canceled_at`) are not inserted, even
 * when the cancel comes while the statement runs (see the lock below).
 */
export async function insertNotifications(
  db: Db,
  rows: (NewNotification & { createdAt?: Date })[],
  at = new Date(),
): Promise<CreatedNotification[]> {
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
      dedup_key: r.dedupKey ?? null,
      digest_id: r.digestId ?? null,
      send_job: r.sendJob ?? null,
      scheduled_at: isoOrNull(r.scheduledAt),
      created_at: isoOrNull(r.createdAt),
    })),
  );
  const sql = pg(db);
  // Content travels as a JSON array beside the other columns: inside the rows' parameter
  // jsonb_to_recordset turned each e-mail's rendering back into text and parsed it again
  // (~300 µs of PostgreSQL CPU per row against ~170), and a text[] parameter cost the
  // driver more in escaping than it saved. As bytes (see jsonArrayParam) it costs the worker half.
  const contents = jsonArrayParam(
    sql,
    rows.map((r) => r.content),
  );
  const defaultAt = at.toISOString();
  const eventIds = [...new Set(rows.map((r) => r.eventId))];
  // The race with DELETE /v1/events/:id is closed here by a row lock, not by timing. A plain
  // "not canceled" test would read canceled_at as of the statement's start, and a cancel that
  // commits before these rows do would neither be seen here nor see them. So the statement
  // share-locks its events' rows: the cancel's UPDATE of canceled_at waits for it to commit
  // (and the cancel's statements after it then find these rows), and a lock taken after that
  // UPDATE waits for the cancel's commit and reads the row as updated (PostgreSQL re-reads a
  // row locked after a concurrent update), so nothing is inserted. FOR SHARE, not KEY SHARE:
  // that one does not conflict with an UPDATE of a non-key column. The cost is one primary key
  // probe and tuple lock per event, not per row: ~5 µs per event, ~4% of the statement at one
  // row per event (a route group), nothing measurable for a fan-out page's 100 rows of one
  // event. An event id without a row (test data) does not hold its rows back.
  const created = await sql<SlimRow[]>`
    with events_of as materialized (
      select id, canceled_at from events where id = any(${eventIds}::text[]) for share
    ), input as (
      select id, event_id, recipient_id, user_id, type, category, channel, priority, status, reason,
        content, dedup_key, digest_id, send_job, scheduled_at, created_at
      from rows from (
        jsonb_to_recordset(${input}::jsonb) as (
          id text, event_id text, recipient_id text, user_id text, type text, category text, channel text,
          priority text, status text, reason text, dedup_key text, digest_id text, send_job text,
          scheduled_at timestamptz, created_at timestamptz),
        json_array_elements(${contents}::json)
      ) as x(id, event_id, recipient_id, user_id, type, category, channel, priority, status, reason,
        dedup_key, digest_id, send_job, scheduled_at, created_at, content)
    ), ins as (
      insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority,
        status, reason, content, dedup_key, digest_id, send_job, scheduled_at, created_at, updated_at, queued_at)
      select id, event_id, recipient_id, user_id, type, category, channel, priority, status, reason, content,
        dedup_key, digest_id, send_job, scheduled_at, coalesce(created_at, ${defaultAt}::timestamptz),
        coalesce(created_at, ${defaultAt}::timestamptz),
        case when status = 'QUEUED' then coalesce(created_at, ${defaultAt}::timestamptz) end
      from input
      where not exists (select 1 from events_of e where e.id = input.event_id and e.canceled_at is not null)
      on conflict (event_id, recipient_id, channel) do nothing
      returning id, event_id, recipient_id, channel, status, priority, scheduled_at, send_job, reason, created_at
    ), timeline as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, status, at, detail from (
        select id, 'PENDING' as status, created_at as at, null::jsonb as detail, 0 as step from ins
        union all
        select id, status, created_at,
               case when reason is null then null else jsonb_build_object('reason', reason) end, 1
        from ins where status <> 'PENDING'
      ) entries
      order by id, step
    )
    select id, event_id, recipient_id, channel, status, priority, scheduled_at, send_job from ins`;
  const out = created.map(fromSlim);
  if (out.length === rows.length) return out;
  // Some existed: read back the ones asked for (a fan-out event has one row per subscriber).
  const createdIds = new Set(out.map((r) => r.id));
  const missing = rows.filter((r) => !createdIds.has(r.id!));
  const keys = JSON.stringify(
    missing.map((r) => ({ event_id: r.eventId, recipient_id: r.recipientId, channel: r.channel })),
  );
  // The id lists keep the lookup on the unique index whatever the planner guesses of the JSON.
  const existing = await sql<SlimRow[]>`
    select n.id, n.event_id, n.recipient_id, n.channel, n.status, n.priority, n.scheduled_at, n.send_job
    from notifications n
    join jsonb_to_recordset(${keys}::jsonb) as k(event_id text, recipient_id text, channel text)
      using (event_id, recipient_id, channel)
    where n.event_id = any(${[...new Set(missing.map((m) => m.eventId))]}::text[])
      and n.recipient_id = any(${[...new Set(missing.map((m) => m.recipientId))]}::text[])`;
  return [...out, ...existing.map(fromSlim)];
}

export async function getNotification(db: Db, id: string): Promise<NotificationRow | null> {
  const query = prepared(db, "notification_by_id", (d) =>
    d
      .select()
      .from(notifications)
      .where(eq(notifications.id, sql.placeholder("id")))
      .prepare("notification_by_id"),
  );
  const [row] = await query.execute({ id });
  return row ?? null;
}

/** What a notification is now, for a caller deciding on a race it may have lost. */
export interface NotificationState {
  status: NotificationStatus;
  /** When it went out; null while it has not (a send recorded over a cancel included). */
  sentAt: Date | null;
}

/** The state each of these notifications has now, in one query; ids not found are absent. */
export async function getStates(db: Db, ids: readonly string[]): Promise<Map<string, NotificationState>> {
  if (ids.length === 0) return new Map();
  const rows = await pg(db)<{ id: string; status: NotificationStatus; sent_at: Date | string | null }[]>`
    select id, status, sent_at from notifications where id = any(${ids as string[]}::text[])`;
  return new Map(
    rows.map((r) => [r.id, { status: r.status, sentAt: r.sent_at === null ? null : new Date(r.sent_at) }]),
  );
}

export async function getTimeline(db: Db, notificationId: string): Promise<TimelineRow[]> {
  return db
    .select()
    .from(notificationTimeline)
    .where(eq(notificationTimeline.notificationId, notificationId))
    .orderBy(notificationTimeline.id);
}

/** An event's notifications in id order; `limit` caps a topic event's (one per subscriber × channel). */
export async function listEventNotifications(
  db: Db,
  eventId: string,
  limit?: number,
): Promise<NotificationRow[]> {
  const q = db
    .select()
    .from(notifications)
    .where(eq(notifications.eventId, eventId))
    .orderBy(notifications.id);
  return limit === undefined ? q : q.limit(limit);
}

export interface NotificationFilter {
  userId?: string;
  eventId?: string;
  type?: string;
  channel?: string;
  status?: string;
  since?: Date;
  until?: Date;
  /**
   * Only FAILED rows: true those that failed for good (a reason in
   * FINAL_FAILURE_REASONS, never retried by themselves), false those still
   * awaiting a retry. Filtered here, not by the caller, so a page is full.
   */
  failedForGood?: boolean;
  /** Return rows with ids below this one (the previous page's last id). */
  beforeId?: string;
  /**
   * Leave out rows whose recipient was erased. An erase cancels what could
   * still be sent, but one cut short leaves rows behind until it is repeated.
   * Default false.
   */
  skipErased?: boolean;
}

export async function listNotifications(
  db: Db,
  filter: NotificationFilter,
  limit: number,
): Promise<NotificationRow[]> {
  const where: SQL[] = [];
  if (filter.userId) where.push(eq(notifications.userId, filter.userId));
  if (filter.eventId) where.push(eq(notifications.eventId, filter.eventId));
  if (filter.type) where.push(eq(notifications.type, filter.type));
  if (filter.channel) where.push(eq(notifications.channel, filter.channel as NotificationRow["channel"]));
  if (filter.status) where.push(eq(notifications.status, filter.status as NotificationStatus));
  if (filter.since) where.push(gte(notifications.createdAt, filter.since));
  if (filter.until) where.push(lte(notifications.createdAt, filter.until));
  if (filter.failedForGood !== undefined) {
    const final = inArray(notifications.reason, [...FINAL_FAILURE_REASONS]);
    where.push(eq(notifications.status, "FAILED"));
    // A NULL reason (a plain failed attempt) is "not final": NOT IN alone would drop it.
    where.push(filter.failedForGood ? final : or(isNull(notifications.reason), not(final))!);
  }
  if (filter.beforeId) where.push(lt(notifications.id, filter.beforeId));
  if (filter.skipErased)
    where.push(sql`not exists (select 1 from recipients r
      where r.id = ${notifications.recipientId} and r.erased_at is not null)`);
  return db
    .select()
    .from(notifications)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(notifications.id))
    .limit(limit);
}

/** Columns a transition may set besides the status. */
export type TransitionFields = Partial<
  Pick<
    NotificationRow,
    | "reason"
    | "provider"
    | "providerMessageId"
    | "lastError"
    | "scheduledAt"
    | "queuedAt"
    | "sentAt"
    | "deliveredAt"
    | "readAt"
    | "seenAt"
    | "clickedAt"
    | "digestId"
    | "ambiguousProvider"
    | "ambiguousBatchKey"
  >
>;

export interface TransitionOptions {
  /** Timeline detail (provider response, error, reason…). Never PII. */
  detail?: Record<string, unknown>;
  set?: TransitionFields;
  /** Add one to `retry_count` (a failed attempt). */
  incrementRetry?: boolean;
  /** Only from these statuses (further narrowing the allowed ones). */
  from?: readonly NotificationStatus[];
  /**
   * A further condition on the row, checked in the same statement (the
   * update's table is `notifications`): false leaves the row as it is, as a
   * status it cannot move from does.
   */
  onlyIf?: SQL;
  /** Keep a timeline entry even when the status cannot move (late or out-of-order callbacks). */
  recordIgnored?: boolean;
  /** Merged into the detail of that entry. Default `{ ignored: true }`: the event changed nothing. */
  unmovedDetail?: Record<string, unknown>;
  at?: Date;
}

const ALLOWED_FROM = new Map(NOTIFICATION_STATUSES.map((to) => [to, statusesInto(to)]));

/**
 * Moves a notification to `to` if the state machine allows it from its
 * current status, and appends to its timeline, in one statement. Returns
 * whether the status changed; a concurrent or out-of-order change loses cleanly.
 */
export async function transition(
  db: Db,
  id: string,
  to: NotificationStatus,
  options: TransitionOptions = {},
): Promise<boolean> {
  const at = options.at ?? new Date();
  const allowed = (ALLOWED_FROM.get(to) ?? []).filter((s) => !options.from || options.from.includes(s));
  if (allowed.length === 0) return false;
  const sets: SQL[] = [sql`status = ${to}`, sql`updated_at = ${at.toISOString()}::timestamptz`];
  for (const [key, value] of Object.entries(options.set ?? {})) {
    const column = notifications[key as keyof TransitionFields];
    const v = value instanceof Date ? value.toISOString() : value;
    sets.push(sql`${sql.identifier(column.name)} = ${v}`);
  }
  if (options.incrementRetry) sets.push(sql`retry_count = retry_count + 1`);
  const detail = options.detail ? JSON.stringify(options.detail) : null;
  const ignoredDetail = JSON.stringify({
    ...options.detail,
    ...(options.unmovedDetail ?? { ignored: true }),
  });
  const result = await db.execute<{ updated: number }>(sql`
    with u as (
      update notifications set ${sql.join(sets, sql`, `)}
      where id = ${id} and status in (${sql.join(
        allowed.map((s) => sql`${s}`),
        sql`, `,
      )})${options.onlyIf ? sql` and (${options.onlyIf})` : sql``}
      returning id
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, ${to}, ${at.toISOString()}::timestamptz, ${detail}::jsonb from u
      ${
        options.recordIgnored
          ? sql`union all select ${id}, ${to}, ${at.toISOString()}::timestamptz, ${ignoredDetail}::jsonb
                where not exists (select 1 from u) and exists (select 1 from notifications where id = ${id})`
          : sql``
      }
    )
    select count(*)::int as updated from u`);
  return (result[0]?.updated ?? 0) > 0;
}
