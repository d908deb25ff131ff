import { and, desc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { NotificationRow } from "./notifications.ts";
import { notifications } from "./schema/index.ts";

/** In-app notifications a user can see: sent to the inbox, maybe read. Queued or canceled ones are not there yet. */
export const INBOX_VISIBLE_STATUSES = ["SENT", "DELIVERED", "READ"] as const;

export interface InboxQuery {
  /** Only items not read yet. */
  unread?: boolean;
  /** `false` (default): hide archived items; `true`: only archived ones. */
  archived?: boolean;
  /** Items older than this id (the previous page's last). */
  beforeId?: string;
  limit: number;
}

export interface InboxCounts {
  unread: number;
  unseen: number;
  total: number;
}

/** A recipient's in-app items that the inbox shows (archived or not). */
const inboxOf = (recipientId: string) =>
  and(
    eq(notifications.recipientId, recipientId),
    eq(notifications.channel, "in_app"),
    inArray(notifications.status, [...INBOX_VISIBLE_STATUSES]),
  );

/** A user's inbox, newest first. */
export async function listInbox(db: Db, recipientId: string, query: InboxQuery): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        inboxOf(recipientId),
        query.archived ? isNotNull(notifications.archivedAt) : isNull(notifications.archivedAt),
        query.unread ? isNull(notifications.readAt) : undefined,
        query.beforeId ? lt(notifications.id, query.beforeId) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(query.limit);
}

/** Unread and unseen counts of the (non-archived) inbox. */
export async function inboxCounts(db: Db, recipientId: string): Promise<InboxCounts> {
  const [row] = await db
    .select({
      unread: sql<number>`count(*) filter (where ${notifications.readAt} is null)`.mapWith(Number),
      unseen: sql<number>`count(*) filter (where ${notifications.seenAt} is null)`.mapWith(Number),
      total: sql<number>`count(*)`.mapWith(Number),
    })
    .from(notifications)
    .where(and(inboxOf(recipientId), isNull(notifications.archivedAt)));
  return row ?? { unread: 0, unseen: 0, total: 0 };
}

/** One visible inbox item of this recipient (null for another user's, or one not sent yet). */
export async function getInboxItem(db: Db, recipientId: string, id: string): Promise<NotificationRow | null> {
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(inboxOf(recipientId), eq(notifications.id, id)));
  return row ?? null;
}

/** Ids of unread, non-archived items, oldest first (for read-all). */
export async function listUnreadInboxIds(db: Db, recipientId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(inboxOf(recipientId), isNull(notifications.readAt), isNull(notifications.archivedAt)))
    .orderBy(notifications.id)
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Marks items seen (shown in a list, not necessarily opened). Not a status
 * change, so no timeline entry. `"all"`: every unseen item not archived, as
 * the `unseen` count counts them. Returns the ids that changed.
 */
export async function markInboxSeen(
  db: Db,
  recipientId: string,
  ids: string[] | "all",
  at = new Date(),
): Promise<string[]> {
  const rows = await db
    .update(notifications)
    .set({ seenAt: at, updatedAt: at })
    .where(
      and(
        inboxOf(recipientId),
        isNull(notifications.seenAt),
        ids === "all" ? isNull(notifications.archivedAt) : inArray(notifications.id, ids),
      ),
    )
    .returning({ id: notifications.id });
  return rows.map((r) => r.id);
}

/** Archives items (hidden from the default feed and the counts), or brings them back. Returns the ids that changed. */
export async function setInboxArchived(
  db: Db,
  recipientId: string,
  ids: string[],
  archived: boolean,
  at = new Date(),
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(notifications)
    .set({ archivedAt: archived ? at : null, updatedAt: at })
    .where(
      and(
        inboxOf(recipientId),
        archived ? isNull(notifications.archivedAt) : isNotNull(notifications.archivedAt),
        inArray(notifications.id, ids),
      ),
    )
    .returning({ id: notifications.id });
  return rows.map((r) => r.id);
}

/** Archives items (hidden from the default feed and the counts). Returns the ids that changed. */
export function archiveInboxItems(
  db: Db,
  recipientId: string,
  ids: string[],
  at = new Date(),
): Promise<string[]> {
  return setInboxArchived(db, recipientId, ids, true, at);
}
