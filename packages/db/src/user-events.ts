import { and, desc, eq, getTableColumns, lt, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { EventRow } from "./events.ts";
import { events } from "./schema/index.ts";

export interface UserEventFilter {
  /**
   * Only events that are done with and made no notification at all: every
   * channel skipped (opted out, unreachable…; the reasons are in
   * `suppressed`), or routing failed. They leave no notification row, so a
   * user's notification list cannot show them.
   */
  sentNothing?: boolean;
  /** Return events with ids below this one (the previous page's last id). */
  beforeId?: string;
}

/** An event with the number of notifications it made (none while it is not routed yet). */
export type UserEventRow = EventRow & { notificationCount: number };

// Correlated on notifications' unique (event_id, recipient_id, channel) index: a probe per event.
// `events.id` spelled out: drizzle writes a column of the only table unqualified, and a bare
// "id" inside the subquery would be the notification's.
const made = sql<number>`(SELECT count(*)::int FROM notifications n WHERE n.event_id = events.id)`;

/**
 * One user's own events (not the topic events they got through a
 * subscription), newest first, by `events_user_idx`.
 */
export async function listUserEvents(
  db: Db,
  userId: string,
  filter: UserEventFilter,
  limit: number,
): Promise<UserEventRow[]> {
  const where: SQL[] = [eq(events.userId, userId)];
  if (filter.sentNothing) {
    where.push(ne(events.status, "accepted"));
    where.push(sql`NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = events.id)`);
  }
  if (filter.beforeId) where.push(lt(events.id, filter.beforeId));
  return db
    .select({ ...getTableColumns(events), notificationCount: made })
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.id))
    .limit(limit);
}
