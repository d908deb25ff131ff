import { randomBytes } from "node:crypto";
import {
  type Db,
  getNotification,
  getTimeline,
  insertEvents,
  insertNotifications,
  type NewNotification,
  type NotificationRow,
  type RecipientFields,
  transition,
  upsertRecipient,
} from "@herald/db";
import type { Channel, Priority } from "@herald/domain";
import { newId } from "@herald/ids";

export interface Seeded {
  id: string;
  userId: string;
  email: string;
  phone: string;
  providerMessageId: string;
}

export interface SeedOptions {
  channel: Channel;
  /** Default QUEUED. */
  status?: NewNotification["status"];
  /** Default a minimal rendering for the channel. */
  content?: NewNotification["content"];
  /** The recipient's contact data. Default none. */
  recipient?: RecipientFields;
  /** The event's `channels`. Default unset. */
  eventChannels?: Channel[];
  /** The event's and the notification's priority. Default normal. */
  priority?: Priority;
  /** The `send_batch` job carrying the row. Default none (a `send` job of its own). */
  sendJob?: string;
  /** The event's and the notification's type, its category and the event's data. Default `order_placed`. */
  type?: { name: string; category: string; data: Record<string, unknown> };
}

/**
 * A recipient, an `order_placed` event and one notification row for them,
 * written the way the router writes them (no worker involved).
 */
export async function seedNotification(
  db: Db,
  userId: string,
  options: SeedOptions,
): Promise<{ recipientId: string; notification: NotificationRow }> {
  const { channel } = options;
  const recipient = await upsertRecipient(db, userId, options.recipient ?? {});
  const [event] = await insertEvents(db, [
    {
      type: options.type?.name ?? "order_placed",
      userId,
      data: options.type?.data ?? {},
      priority: options.priority ?? "normal",
      ...(options.eventChannels ? { channels: options.eventChannels, sendAt: null } : {}),
    },
  ]);
  const content =
    options.content ??
    (channel === "email"
      ? { channel, subject: "s", html: "<p>h</p>", text: "h" }
      : channel === "sms"
        ? { channel, text: "t" }
        : { channel, title: "t", body: "b" });
  const [n] = await insertNotifications(db, [
    {
      id: newId("ntf"),
      eventId: event!.event.id,
      recipientId: recipient.id,
      userId,
      type: options.type?.name ?? "order_placed",
      category: options.type?.category ?? "transactional",
      channel,
      priority: options.priority ?? "normal",
      status: options.status ?? "QUEUED",
      content: content as never,
      ...(options.sendJob ? { sendJob: options.sendJob } : {}),
    },
  ]);
  return { recipientId: recipient.id, notification: (await getNotification(db, n!.id))! };
}

/**
 * One notification on `channel`, already SENT by `provider` with a provider
 * message id, the way a channel worker leaves it: the starting point of
 * every delivery callback.
 */
export async function seedSentNotification(
  db: Db,
  channel: Channel,
  provider = channel === "sms" ? "twilio" : "resend",
): Promise<Seeded> {
  const tag = randomBytes(4).toString("hex");
  const userId = `user_${tag}`;
  const email = `Person.${tag}@Example.com`;
  const phone = "+14155550123";
  const { notification: n } = await seedNotification(db, userId, { channel, recipient: { email, phone } });
  const providerMessageId = channel === "sms" ? `SM${randomBytes(16).toString("hex")}` : crypto.randomUUID();
  await transition(db, n.id, "SENT", { set: { provider, providerMessageId, sentAt: new Date() } });
  return { id: n.id, userId, email, phone, providerMessageId };
}

/** The timeline as `STATUS` or `STATUS(ignored)` strings, for compact assertions. */
export async function timelineOf(db: Db, id: string): Promise<string[]> {
  return (await getTimeline(db, id)).map((t) => `${t.status}${t.detail?.ignored ? "(ignored)" : ""}`);
}
