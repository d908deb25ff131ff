import { type Db, type NotificationRow, transition } from "@herald/db";
import { publishInboxEvent } from "@herald/inbox-bus";
import type { RedisClient } from "@herald/jobs";
import { seedNotification } from "./seed-notification.ts";

/**
 * Puts an in-app notification in a user's inbox the way the worker does:
 * row QUEUED, announced on the inbox bus, then SENT. Lets API tests run
 * without worker processes.
 */
export async function deliverInApp(
  db: Db,
  redis: RedisClient,
  prefix: string,
  userId: string,
  title: string,
): Promise<NotificationRow> {
  const { recipientId, notification: row } = await seedNotification(db, userId, {
    channel: "in_app",
    eventChannels: ["in_app"],
    content: { channel: "in_app", title, body: `${title} body`, url: "https://shop.example.com/o/1" },
  });
  await publishInboxEvent(redis, prefix, recipientId, { type: "notification", id: row.id });
  await transition(db, row.id, "SENT", { set: { sentAt: new Date(), provider: "inbox" } });
  return row;
}
