import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

/**
 * Moves a SCHEDULED notification to a new time and notes it in the timeline
 * (a SCHEDULED entry with `rescheduledFrom`). Returns false when it is no
 * longer SCHEDULED (sent, canceled, being sent…). One the router held for
 * quiet hours is held no longer: the time is the app's now, and a change of
 * the user's quiet hours leaves it where it is (its reason is cleared).
 */
export async function rescheduleNotification(
  db: Db,
  id: string,
  scheduledAt: Date,
  at: Date = new Date(),
): Promise<boolean> {
  const rows = await db.execute<{ id: string }>(sql`
    with old as (
      select id, scheduled_at from notifications where id = ${id} and status = 'SCHEDULED' for update
    ), u as (
      update notifications n set scheduled_at = ${scheduledAt.toISOString()}::timestamptz,
        updated_at = ${at.toISOString()}::timestamptz, reason = null
      from old where n.id = old.id
      returning n.id, old.scheduled_at as previous
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, 'SCHEDULED', ${at.toISOString()}::timestamptz,
        -- Both times as JavaScript writes them (UTC, "Z"): a timestamptz would read "+00:00".
        jsonb_build_object('rescheduledFrom', to_char(previous at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'scheduledAt', ${scheduledAt.toISOString()}::text)
      from u
    )
    select id from u`);
  return rows.length > 0;
}
