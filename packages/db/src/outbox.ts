import { newId } from "@herald/ids";
import { and, desc, eq, getTableColumns, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { prepared } from "./prepared.ts";
import { pg } from "./raw.ts";
import { notifications, outboxMessages, type RenderedContent } from "./schema/index.ts";

export type OutboxRow = typeof outboxMessages.$inferSelect;

export async function insertOutboxMessage(
  db: Db,
  message: { notificationId: string; channel: string; destination: string; content: RenderedContent },
): Promise<OutboxRow> {
  const query = prepared(db, "outbox_insert", (d) =>
    d
      .insert(outboxMessages)
      .values({
        id: sql.placeholder("id"),
        notificationId: sql.placeholder("notificationId"),
        channel: sql.placeholder("channel"),
        destination: sql.placeholder("destination"),
        content: sql.placeholder("content"),
      })
      .returning()
      .prepare("outbox_insert"),
  );
  const [row] = await query.execute({ id: newId("obx"), ...message });
  return row!;
}

/**
 * Stores many outbox messages in one statement (the dev provider under load);
 * returns their ids in input order. Each message's content is its
 * notification's, copied inside PostgreSQL: an e-mail's rendering does not
 * travel back and forth (serialised, escaped, parsed) to be stored again.
 */
export async function insertOutboxMessages(
  db: Db,
  messages: { notificationId: string; channel: string; destination: string }[],
): Promise<string[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => ({
    id: newId("obx"),
    notification_id: m.notificationId,
    channel: m.channel,
    destination: m.destination,
  }));
  await pg(db)`
    insert into outbox_messages (id, notification_id, channel, destination, content)
    select x.id, x.notification_id, x.channel, x.destination, n.content
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as x(id text, notification_id text, channel text, destination text)
    join notifications n on n.id = x.notification_id
    where n.id = any(${messages.map((m) => m.notificationId)}::text[])`;
  return rows.map((r) => r.id);
}

/** A captured message with its notification's category (null once retention removed the notification). */
export type OutboxListRow = OutboxRow & { category: string | null };

export async function listOutbox(
  db: Db,
  filter: { channel?: string; notificationId?: string; beforeId?: string },
  limit: number,
): Promise<OutboxListRow[]> {
  const where: SQL[] = [];
  if (filter.channel) where.push(eq(outboxMessages.channel, filter.channel));
  if (filter.notificationId) where.push(eq(outboxMessages.notificationId, filter.notificationId));
  if (filter.beforeId) where.push(lt(outboxMessages.id, filter.beforeId));
  return db
    .select({ ...getTableColumns(outboxMessages), category: notifications.category })
    .from(outboxMessages)
    .leftJoin(notifications, eq(notifications.id, outboxMessages.notificationId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(outboxMessages.id))
    .limit(limit);
}
