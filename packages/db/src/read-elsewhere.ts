import { type NotificationStatus, statusesInto } from "@herald/domain";
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

const INTO_SUPPRESSED = statusesInto("SUPPRESSED");

/**
 * Suppresses an escalation's held notification (reason `read_elsewhere`) if
 * the recipient read one of the same event's other notifications: `read_at`
 * is set by every move to READ (open, inbox read, click) and kept by any
 * status after it (a complaint after the read). One statement, the check
 * inside the update: a held row sent, canceled or suppressed meanwhile is
 * left as it is (the status guard), and a read that commits after it is one
 * that came too late. Returns whether it was suppressed.
 *
 * `from`: the statuses it may leave (the sender's "still waiting" ones);
 * default every status SUPPRESSED may follow.
 */
export async function suppressIfReadElsewhere(
  db: Db,
  id: string,
  options: { from?: readonly NotificationStatus[]; at?: Date; detail?: Record<string, unknown> } = {},
): Promise<boolean> {
  const from = INTO_SUPPRESSED.filter((s) => !options.from || options.from.includes(s));
  if (from.length === 0) return false;
  const at = (options.at ?? new Date()).toISOString();
  const detail = JSON.stringify({ reason: "read_elsewhere", ...options.detail });
  const result = await db.execute<{ updated: number }>(sql`
    with u as (
      update notifications n set status = 'SUPPRESSED', reason = 'read_elsewhere', updated_at = ${at}::timestamptz
      where n.id = ${id}
        and n.status in (${sql.join(
          from.map((s) => sql`${s}`),
          sql`, `,
        )})
        and exists (
          select 1 from notifications s
          where s.event_id = n.event_id and s.recipient_id = n.recipient_id and s.id <> n.id
            and s.read_at is not null
        )
      returning n.id
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, 'SUPPRESSED', ${at}::timestamptz, ${detail}::jsonb from u
    )
    select count(*)::int as updated from u`);
  return (result[0]?.updated ?? 0) > 0;
}
