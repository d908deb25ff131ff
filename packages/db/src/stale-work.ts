import { and, asc, eq, gt, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { EventRow } from "./events.ts";
import type { NotificationRow } from "./notifications.ts";
import { events, notifications } from "./schema/index.ts";

/**
 * Events accepted before `olderThan` and still not routed, oldest id first,
 * after `afterId` (for paging). Their `route` job was lost, or is waiting
 * behind a backlog; the reconciler tells the two apart by asking the queue.
 */
export async function listStaleEvents(
  db: Db,
  olderThan: Date,
  afterId: string | null,
  limit: number,
): Promise<Pick<EventRow, "id" | "priority" | "routeJob">[]> {
  const where: SQL[] = [eq(events.status, "accepted"), lt(events.createdAt, olderThan)];
  if (afterId) where.push(gt(events.id, afterId));
  return db
    .select({ id: events.id, priority: events.priority, routeJob: events.routeJob })
    .from(events)
    .where(and(...where))
    .orderBy(asc(events.id))
    .limit(limit);
}

/**
 * Notifications that should have a send job but have not moved since
 * `olderThan`: PENDING/QUEUED ones, SCHEDULED ones past due, and FAILED ones
 * still waiting for a retry (a permanent failure has a `reason` and is left alone).
 */
export async function listStaleNotifications(
  db: Db,
  olderThan: Date,
  afterId: string | null,
  limit: number,
): Promise<NotificationRow[]> {
  const at = olderThan.toISOString();
  const open = or(
    and(sql`${notifications.status} in ('PENDING','QUEUED')`, lt(notifications.updatedAt, olderThan)),
    and(
      eq(notifications.status, "SCHEDULED"),
      sql`coalesce(${notifications.scheduledAt}, ${notifications.updatedAt}) < ${at}::timestamptz`,
    ),
    and(
      eq(notifications.status, "FAILED"),
      sql`${notifications.reason} is null`,
      lt(notifications.updatedAt, olderThan),
    ),
  )!;
  return db
    .select()
    .from(notifications)
    .where(afterId ? and(open, gt(notifications.id, afterId)) : open)
    .orderBy(asc(notifications.id))
    .limit(limit);
}
