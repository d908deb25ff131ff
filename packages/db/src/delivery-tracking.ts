import type { Channel } from "@herald/domain";
import { statusesInto } from "@herald/domain";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { type NotificationRow, transition } from "./notifications.ts";
import { notifications } from "./schema/index.ts";

export interface DeliveryEventOptions {
  /** When it happened (the provider's event time). Default: now. */
  at?: Date;
  /** Timeline detail: event name, provider, link… Never PII. */
  detail?: Record<string, unknown>;
  /**
   * Keep a timeline entry even when the status cannot move (a late
   * `delivered` after READ). Default true: provider events are all kept.
   */
  recordIgnored?: boolean;
}

/** The notification a provider callback is about: by the provider's message id, else by Herald's own id. */
export async function findNotificationForCallback(
  db: Db,
  channel: Channel,
  ref: { providerMessageId?: string | undefined; notificationId?: string | undefined },
): Promise<NotificationRow | null> {
  if (ref.providerMessageId) {
    const [row] = await db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.providerMessageId, ref.providerMessageId), eq(notifications.channel, channel)),
      )
      .limit(1);
    if (row) return row;
  }
  if (ref.notificationId) {
    const [row] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, ref.notificationId), eq(notifications.channel, channel)));
    if (row) return row;
  }
  return null;
}

const opts = (o: DeliveryEventOptions, at: Date) => ({
  at,
  recordIgnored: o.recordIgnored ?? true,
  ...(o.detail ? { detail: o.detail } : {}),
});

/** The provider confirms it accepted the message (normally already SENT by the worker). */
export function markProviderAccepted(db: Db, id: string, o: DeliveryEventOptions = {}): Promise<boolean> {
  const at = o.at ?? new Date();
  return transition(db, id, "SENT", { ...opts(o, at), set: { sentAt: at } });
}

/** Delivered to the mailbox, handset or device (provider webhook, push service, inbox fetch). */
export function markDelivered(db: Db, id: string, o: DeliveryEventOptions = {}): Promise<boolean> {
  const at = o.at ?? new Date();
  return transition(db, id, "DELIVERED", { ...opts(o, at), set: { deliveredAt: at } });
}

/** Opened or read. Moves to READ once; later opens change nothing. */
export function markRead(db: Db, id: string, o: DeliveryEventOptions = {}): Promise<boolean> {
  const at = o.at ?? new Date();
  return transition(db, id, "READ", { ...opts(o, at), set: { readAt: at } });
}

/**
 * A click on a link of the notification (e-mail redirect, push click, inbox
 * action). A click implies it was opened, so it moves to READ if it was not;
 * every click is kept in the timeline with its link; `clicked_at` is the first.
 */
export async function recordClick(
  db: Db,
  id: string,
  click: { url?: string; source: string; action?: string; at?: Date },
): Promise<boolean> {
  const at = click.at ?? new Date();
  const detail = {
    event: "clicked",
    source: click.source,
    ...(click.url ? { url: click.url } : {}),
    ...(click.action ? { action: click.action } : {}),
  };
  // Already READ (opened first) or past it: the click is still recorded (clicked_at, the timeline),
  // so its entry says the status stayed, not that the click was ignored.
  const moved = await transition(db, id, "READ", {
    at,
    detail,
    recordIgnored: true,
    unmovedDetail: { statusUnchanged: true },
    set: { readAt: at, clickedAt: at },
  });
  if (!moved) {
    await db
      .update(notifications)
      .set({ clickedAt: at, updatedAt: sql`now()` })
      .where(and(eq(notifications.id, id), isNull(notifications.clickedAt)));
  }
  return moved;
}

/** A hard bounce or a spam complaint: the notification ends BOUNCED or COMPLAINED. */
export function markBounced(
  db: Db,
  id: string,
  status: "BOUNCED" | "COMPLAINED",
  o: DeliveryEventOptions & { reason: string; error?: string },
): Promise<boolean> {
  const at = o.at ?? new Date();
  return transition(db, id, status, {
    ...opts(o, at),
    set: { reason: o.reason, ...(o.error ? { lastError: o.error.slice(0, 1000) } : {}) },
  });
}

const DELIVERABLE = statusesInto("DELIVERED");

/**
 * Marks many notifications DELIVERED at once, with one timeline entry each, in
 * one statement: for an inbox page fetched or streamed (in-app is delivered
 * when the user's client has it). Rows that are further along are left alone.
 * Returns the ids that moved.
 */
export async function markDeliveredMany(
  db: Db,
  ids: string[],
  o: { at?: Date; detail?: Record<string, unknown> } = {},
): Promise<string[]> {
  if (ids.length === 0) return [];
  const at = (o.at ?? new Date()).toISOString();
  const rows = await db.execute<{ id: string }>(sql`
    with u as (
      update notifications set status = 'DELIVERED', delivered_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
      where id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )}) and status in (${sql.join(
        DELIVERABLE.map((s) => sql`${s}`),
        sql`, `,
      )})
      returning id
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select id, 'DELIVERED', ${at}::timestamptz, ${o.detail ? JSON.stringify(o.detail) : null}::jsonb from u
    )
    select id from u`);
  return rows.map((r) => r.id);
}
