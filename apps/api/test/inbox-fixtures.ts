import {
  type Db,
  insertEvents,
  insertNotifications,
  type NotificationRow,
  transition,
  upsertRecipient,
} from "@herald/db";
import { newId } from "@herald/ids";
import { publishInboxEvent } from "@herald/inbox-bus";
import type { Redis } from "ioredis";

/**
 * Puts an in-app notification in a user's inbox the way the worker does:
 * row QUEUED, announced on the inbox bus, then SENT. Lets API tests run
 * without worker processes.
 */
export async function deliverInApp(
  db: Db,
  redis: Redis,
  prefix: string,
  userId: string,
  title: string,
): Promise<NotificationRow> {
  const recipient = await upsertRecipient(db, userId, {});
  const [event] = await insertEvents(db, [
    { type: "order_placed", userId, data: {}, priority: "normal", channels: ["in_app"], sendAt: null },
  ]);
  const [row] = await insertNotifications(db, [
    {
      id: newId("ntf"),
      eventId: event!.event.id,
      recipientId: recipient.id,
      userId,
      type: "order_placed",
      category: "transactional",
      channel: "in_app",
      priority: "normal",
      status: "QUEUED",
      content: { channel: "in_app", title, body: `${title} body`, url: "https://shop.example.com/o/1" },
    },
  ]);
  await publishInboxEvent(redis, prefix, recipient.id, { type: "notification", id: row!.id });
  await transition(db, row!.id, "SENT", { set: { sentAt: new Date(), provider: "inbox" } });
  return row!;
}
