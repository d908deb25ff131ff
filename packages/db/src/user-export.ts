import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { EventRow } from "./events.ts";
import type { NotificationRow, TimelineRow } from "./notifications.ts";
import { events, notifications, notificationTimeline } from "./schema/index.ts";

/**
 * Rows per query of an export. A page of notifications is held as rows and
 * as its JSON text at once (e-mail HTML makes a row a few kB), so a page
 * stays at a few hundred.
 */
export const EXPORT_PAGE_SIZE = 250;

/** Whose rows an export reads: the app's user id and the recipient holding it now. */
export interface ExportSubject {
  userId: string;
  recipientId: string;
}

/** A notification with its whole timeline, oldest entry first. */
export type ExportNotification = NotificationRow & { timeline: TimelineRow[] };

/** Loads the rows after `afterId` (ids sort by creation), at most `limit`, in id order; null: from the start. */
export type ExportPageLoader<T> = (
  db: Db,
  subject: ExportSubject,
  afterId: string | null,
  limit: number,
) => Promise<T[]>;

export interface ExportPagesOptions<T> {
  /** Rows per query. Default {@link EXPORT_PAGE_SIZE}. */
  pageSize?: number;
  /** Where the pages come from. Default this module's loader for the kind (tests give a failing one). */
  load?: ExportPageLoader<T>;
}

/**
 * The recipient's notifications after `afterId`, with their timelines: two
 * queries, both on an index (`notifications_user_idx`, the timeline's). A
 * row still named by the user id but made for an earlier recipient of it (an
 * erase cut short before renaming it) is not this user's.
 */
export const loadNotificationPage: ExportPageLoader<ExportNotification> = async (
  db,
  subject,
  afterId,
  limit,
) => {
  const rows = await db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, subject.userId),
        eq(notifications.recipientId, subject.recipientId),
        afterId ? gt(notifications.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(notifications.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const entries = await db
    .select()
    .from(notificationTimeline)
    .where(
      inArray(
        notificationTimeline.notificationId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(notificationTimeline.id));
  const timelines = new Map<string, TimelineRow[]>(rows.map((r) => [r.id, []]));
  for (const t of entries) timelines.get(t.notificationId)?.push(t);
  return rows.map((r) => ({ ...r, timeline: timelines.get(r.id) ?? [] }));
};

/** The events triggered for the user id after `afterId` (topic events have none: they are the app's broadcast). */
export const loadEventPage: ExportPageLoader<EventRow> = (db, subject, afterId, limit) =>
  db
    .select()
    .from(events)
    .where(and(eq(events.userId, subject.userId), afterId ? gt(events.id, afterId) : undefined))
    .orderBy(asc(events.id))
    .limit(limit);

/**
 * Pages of rows in id order, one query each (keyset: the next query starts
 * after the last id), until a short page. Nothing is read ahead: the next
 * query runs when the consumer asks for the next page, so a slow reader
 * (a download) holds one page at a time. A failing query throws out of the
 * iteration.
 */
export async function* exportPages<T extends { id: string }>(
  db: Db,
  subject: ExportSubject,
  load: ExportPageLoader<T>,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<T[]> {
  let after: string | null = null;
  for (;;) {
    const page = await load(db, subject, after, pageSize);
    if (page.length > 0) yield page;
    const last = page[page.length - 1];
    if (page.length < pageSize || !last) return;
    after = last.id;
  }
}

/** The user's notifications with their timelines, oldest first, page by page. */
export function userNotificationPages(
  db: Db,
  subject: ExportSubject,
  options: ExportPagesOptions<ExportNotification> = {},
): AsyncGenerator<ExportNotification[]> {
  return exportPages(db, subject, options.load ?? loadNotificationPage, options.pageSize);
}

/** The user's own events, oldest first, page by page. */
export function userEventPages(
  db: Db,
  subject: ExportSubject,
  options: ExportPagesOptions<EventRow> = {},
): AsyncGenerator<EventRow[]> {
  return exportPages(db, subject, options.load ?? loadEventPage, options.pageSize);
}
