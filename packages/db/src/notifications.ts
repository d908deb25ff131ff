import { canTransition, NOTIFICATION_STATUSES, type NotificationStatus } from "@herald/domain";
import { and, desc, eq, getTableColumns, gte, inArray, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import type { RecipientRow } from "./recipients.ts";
import { notifications, notificationTimeline, recipients } from "./schema/index.ts";

export type NotificationRow = typeof notifications.$inferSelect;
export type TimelineRow = typeof notificationTimeline.$inferSelect;
export type NewNotification = Omit<typeof notifications.$inferInsert, "createdAt" | "updatedAt">;

/** A row as PostgreSQL returns it (snake_case, raw values) → the drizzle row type. */
function fromDriver(raw: Record<string, unknown>): NotificationRow {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(notifications))) {
    const value = raw[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as NotificationRow;
}

/** What makes a notification unique: one per (event, recipient, channel). */
export function notificationKey(n: Pick<NotificationRow, "eventId" | "recipientId" | "channel">): string {
  return `${n.eventId}\u0000${n.recipientId}\u0000${n.channel}`;
}

/**
 * Inserts notifications with their first timeline entries (PENDING, then the
 * initial status). One row per (event, recipient, channel): rows that exist
 * already are returned as they are, so a router that runs twice creates nothing twice.
 *
 * One statement (the timeline insert is a CTE over the inserted rows), not a
 * transaction of three: under load each extra round trip held the new rows'
 * locks (and the stats rollup's) while the process got to its next step.
 */
export async function insertNotifications(
  db: Db,
  rows: (NewNotification & { createdAt?: Date })[],
  at = new Date(),
): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  const insert = db
    .insert(notifications)
    .values(
      rows.map((r) => {
        const t = r.createdAt ?? at;
        return { ...r, createdAt: t, updatedAt: t, queuedAt: r.status === "QUEUED" ? t : null };
      }),
    )
    .onConflictDoNothing({
      target: [notifications.eventId, notifications.recipientId, notifications.channel],
    })
    .returning();
  const result = await db.execute<Record<string, unknown>>(sql`
    with created as ${insert},
    timeline as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, status, at, detail from (
        select id, 'PENDING' as status, created_at as at, null::jsonb as detail, 0 as step from created
        union all
        select id, status, created_at,
               case when reason is null then null else jsonb_build_object('reason', reason) end, 1
        from created where status <> 'PENDING'
      ) entries
      order by id, step
    )
    select * from created`);
  const created = [...result].map(fromDriver);
  if (created.length === rows.length) return created;
  const createdIds = new Set(created.map((c) => c.id));
  const missing = rows.filter((r) => !createdIds.has(r.id!));
  const existing = await db
    .select()
    .from(notifications)
    .where(
      and(
        inArray(notifications.eventId, [...new Set(missing.map((m) => m.eventId))]),
        // A fan-out event has one row per subscriber: read back only the ones asked for.
        inArray(notifications.recipientId, [...new Set(missing.map((m) => m.recipientId))]),
        inArray(notifications.channel, [...new Set(missing.map((m) => m.channel))]),
      ),
    );
  const wanted = new Set(missing.map(notificationKey));
  return [...created, ...existing.filter((e) => wanted.has(notificationKey(e)))];
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

export interface SendContextRow {
  notification: NotificationRow;
  recipient: RecipientRow | null;
}

/**
 * What a send job needs, for many notifications in one query: each
 * notification with its recipient. Ids not found are absent from the map.
 */
export async function loadSendContexts(db: Db, ids: string[]): Promise<Map<string, SendContextRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ notification: notifications, recipient: recipients })
    .from(notifications)
    .leftJoin(recipients, eq(recipients.id, notifications.recipientId))
    .where(inArray(notifications.id, ids));
  return new Map(rows.map((r) => [r.notification.id, r]));
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
  /** Return rows with ids below this one (the previous page's last id). */
  beforeId?: string;
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
  if (filter.beforeId) where.push(lt(notifications.id, filter.beforeId));
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
  >
>;

export interface TransitionOptions {
  /** Timeline detail (provider response, error, reason…). Never PII. */
  detail?: Record<string, unknown>;
  set?: TransitionFields;
  /** Add one to `retry_count` (a failed attempt). */
  incrementRetry?: boolean;
  /** Only from these statuses (further narrowing the allowed ones). */
  from?: NotificationStatus[];
  /** Keep a timeline entry even when the status cannot move (late or out-of-order callbacks). */
  recordIgnored?: boolean;
  at?: Date;
}

const ALLOWED_FROM = new Map(
  NOTIFICATION_STATUSES.map((to) => [to, NOTIFICATION_STATUSES.filter((from) => canTransition(from, to))]),
);

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
  const ignoredDetail = JSON.stringify({ ...options.detail, ignored: true });
  const result = await db.execute<{ updated: number }>(sql`
    with u as (
      update notifications set ${sql.join(sets, sql`, `)}
      where id = ${id} and status in (${sql.join(
        allowed.map((s) => sql`${s}`),
        sql`, `,
      )})
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
