import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { INBOX_VISIBLE_STATUSES, setInboxArchived } from "./inbox.ts";

/**
 * Sets or clears `read_at` of one inbox item whose status is READ already,
 * with a timeline entry in the same statement. The status stays READ: it is
 * part of the delivery chain (statuses only move forward, stats count it),
 * while `read_at` is the inbox's own unread flag. No status change, so no
 * status webhook either (their triggers fire on a status that moved).
 */
async function rereadFlag(
  db: Db,
  recipientId: string,
  id: string,
  read: boolean,
  detail: Record<string, unknown>,
  at: Date,
): Promise<boolean> {
  const when = at.toISOString();
  const result = await db.execute<{ updated: number }>(sql`
    with u as (
      update notifications set
        read_at = ${read ? sql`${when}::timestamptz` : sql`null`},
        ${read ? sql`seen_at = coalesce(seen_at, ${when}::timestamptz),` : sql``}
        updated_at = ${when}::timestamptz
      where id = ${id} and recipient_id = ${recipientId} and channel = 'in_app'
        and status in (${sql.join(
          INBOX_VISIBLE_STATUSES.map((s) => sql`${s}`),
          sql`, `,
        )})
        and ${read ? sql`status = 'READ' and read_at is null` : sql`read_at is not null`}
      returning id, status
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, status, ${when}::timestamptz, ${JSON.stringify(detail)}::jsonb from u
    )
    select count(*)::int as updated from u`);
  return (result[0]?.updated ?? 0) > 0;
}

/**
 * Marks a read inbox item unread again: clears `read_at`, keeps the status
 * (READ), adds a timeline entry with `detail`. False when the item is not
 * read (or not this user's): nothing changes.
 */
export function markInboxUnread(
  db: Db,
  recipientId: string,
  id: string,
  detail: Record<string, unknown>,
  at = new Date(),
): Promise<boolean> {
  return rereadFlag(db, recipientId, id, false, detail, at);
}

/**
 * Reads again an item marked unread (status READ, `read_at` null): sets
 * `read_at` (and `seen_at` if unset), adds a timeline entry. The status does
 * not move, so the read counts once in the stats. False for any other item.
 */
export function markInboxReadAgain(
  db: Db,
  recipientId: string,
  id: string,
  detail: Record<string, unknown>,
  at = new Date(),
): Promise<boolean> {
  return rereadFlag(db, recipientId, id, true, detail, at);
}

/** Brings archived items back into the feed and the counts. Returns the ids that changed. */
export function unarchiveInboxItems(
  db: Db,
  recipientId: string,
  ids: string[],
  at = new Date(),
): Promise<string[]> {
  return setInboxArchived(db, recipientId, ids, false, at);
}
