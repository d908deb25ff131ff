import { and, desc, eq, getTableColumns, lt, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { EventRow } from "./events.ts";
import { events, fanoutMisses, recipients } from "./schema/index.ts";

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
 * One user's own events, newest first, by `events_user_idx`. With
 * `sentNothing`, also the topic events whose fan-out made nothing for them
 * (`fanout_misses`), each with this user's skipped channels as `suppressed`
 * and a count of 0: the two lists are merged by event id, which sorts by time.
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
  const own = db
    .select({ ...getTableColumns(events), notificationCount: made })
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.id))
    .limit(limit);
  if (!filter.sentNothing) return own;
  const [direct, missed] = await Promise.all([own, topicMissesOf(db, userId, filter.beforeId, limit)]);
  return [...direct, ...missed].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
}

/** Topic events that made nothing for this user, newest first, with their skips as `suppressed`. */
async function topicMissesOf(
  db: Db,
  userId: string,
  beforeId: string | undefined,
  limit: number,
): Promise<UserEventRow[]> {
  const rows = await db
    .select({ event: events, suppressed: fanoutMisses.suppressed })
    .from(fanoutMisses)
    .innerJoin(recipients, eq(recipients.id, fanoutMisses.recipientId))
    .innerJoin(events, eq(events.id, fanoutMisses.eventId))
    .where(and(eq(recipients.externalId, userId), beforeId ? lt(fanoutMisses.eventId, beforeId) : undefined))
    .orderBy(desc(fanoutMisses.eventId))
    .limit(limit);
  return rows.map(({ event, suppressed }) => ({ ...event, suppressed, notificationCount: 0 }));
}
