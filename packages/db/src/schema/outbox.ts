import { index, json, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.ts";
import type { RenderedContent } from "./notifications.ts";

/**
 * What the dev `outbox` provider "sent": the rendered message and where it
 * would have gone. Lets a new user see real e-mails, SMS and pushes without
 * any provider account.
 */
export const outboxMessages = pgTable(
  "outbox_messages",
  {
    id: text("id").primaryKey(),
    notificationId: text("notification_id").notNull(),
    channel: text("channel").notNull(),
    /** Address, phone number or device the message was for. */
    destination: text("destination").notNull(),
    content: json("content").$type<RenderedContent>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("outbox_created_idx").on(t.createdAt), index("outbox_notification_idx").on(t.notificationId)],
);
