import type { SuppressionReason } from "@herald/domain";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { NotificationRow } from "./notifications.ts";
import { type Preferences, toPreferences } from "./preferences.ts";
import type { RecipientRow } from "./recipients.ts";
import { events, notifications, preferences, recipients } from "./schema/index.ts";

/**
 * A notification the router held for the recipient's quiet hours (SCHEDULED,
 * reason `quiet_hours`), locked, with what deciding its release takes, read
 * after the lock: whoever decides next (a preferences change's move, the
 * release itself) waits for the lock and then reads what this one committed.
 */
export interface QuietHold {
  notification: NotificationRow;
  /** The event's own `sendAt`: a hold never releases it earlier. */
  sendAt: Date | null;
  recipient: RecipientRow;
  /** The recipient's preferences as committed when the lock was taken. */
  prefs: Preferences;
}

/** What becomes of a held notification. */
export type QuietHoldOutcome =
  /** Left as it is (the time it has is the right one, or it is released now by its own job). */
  | { kind: "keep" }
  /** Held until `to` instead (a SCHEDULED timeline entry with `rescheduledFrom`). */
  | { kind: "move"; to: Date; detail: Record<string, unknown> }
  /** Not sent at all (a frequency cap full at its new time). */
  | { kind: "suppress"; reason: SuppressionReason; detail: Record<string, unknown> };

const held = (id: string) =>
  and(
    eq(notifications.id, id),
    eq(notifications.status, "SCHEDULED"),
    eq(notifications.reason, "quiet_hours"),
  );

/**
 * A recipient's notifications held for quiet hours, oldest first. By app user
 * id (`notifications_user_idx`): the user's own notifications, topic ones included.
 */
export async function listQuietHolds(
  db: Db,
  recipient: Pick<RecipientRow, "id" | "externalId">,
): Promise<Pick<NotificationRow, "id" | "channel">[]> {
  return db
    .select({ id: notifications.id, channel: notifications.channel })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, recipient.externalId),
        eq(notifications.recipientId, recipient.id),
        eq(notifications.status, "SCHEDULED"),
        eq(notifications.reason, "quiet_hours"),
      ),
    )
    .orderBy(notifications.id);
}

/**
 * Decides a held notification's release with its row locked: `decide` sees
 * the hold as it is now and may move its send job and frequency-cap slot
 * before the lock is released (so a decider waiting for the lock finds them
 * where the row says); its outcome is written with a timeline entry, and
 * returned with the row as it was read. Null when the notification is not
 * held any more (sent, canceled, rescheduled by the app…), and `decide` is
 * not called.
 */
export async function settleQuietHold(
  db: Db,
  id: string,
  decide: (hold: QuietHold) => Promise<QuietHoldOutcome>,
  at: Date,
): Promise<{ outcome: QuietHoldOutcome; notification: NotificationRow } | null> {
  return db.transaction(async (tx) => {
    const [notification] = await tx.select().from(notifications).where(held(id)).for("update");
    if (!notification) return null;
    const [context] = await tx
      .select({ recipient: recipients, prefs: preferences, sendAt: events.sendAt })
      .from(recipients)
      .leftJoin(preferences, eq(preferences.recipientId, recipients.id))
      .leftJoin(events, eq(events.id, notification.eventId))
      .where(eq(recipients.id, notification.recipientId));
    if (!context) return null;
    const outcome = await decide({
      notification,
      sendAt: context.sendAt,
      recipient: context.recipient,
      prefs: toPreferences(context.prefs),
    });
    const when = at.toISOString();
    if (outcome.kind === "move") {
      const detail = {
        reason: "quiet_hours",
        rescheduledFrom: notification.scheduledAt?.toISOString() ?? null,
        scheduledAt: outcome.to.toISOString(),
        ...outcome.detail,
      };
      await tx.execute(sql`
        with u as (
          update notifications set scheduled_at = ${outcome.to.toISOString()}::timestamptz,
            updated_at = ${when}::timestamptz
          -- Already there (moved by whoever held the lock before): no second timeline entry.
          where id = ${id} and scheduled_at is distinct from ${outcome.to.toISOString()}::timestamptz
          returning id
        )
        insert into notification_timeline (notification_id, status, at, detail)
        select id, 'SCHEDULED', ${when}::timestamptz, ${JSON.stringify(detail)}::jsonb from u`);
    } else if (outcome.kind === "suppress") {
      const detail = { reason: outcome.reason, ...outcome.detail };
      await tx.execute(sql`
        with u as (
          update notifications set status = 'SUPPRESSED', reason = ${outcome.reason},
            updated_at = ${when}::timestamptz
          where id = ${id} returning id
        )
        insert into notification_timeline (notification_id, status, at, detail)
        select id, 'SUPPRESSED', ${when}::timestamptz, ${JSON.stringify(detail)}::jsonb from u`);
    }
    return { outcome, notification };
  });
}
