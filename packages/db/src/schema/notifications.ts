import type { Channel, NotificationStatus, Priority, RenderedContent } from "@herald/domain";

export type { RenderedContent };

import { sql } from "drizzle-orm";
import { bigserial, index, integer, json, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

/** One message to one recipient on one channel. */
export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    recipientId: text("recipient_id").notNull(),
    /** The app's user id, denormalised so filters and the inbox need no join. */
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    category: text("category").notNull(),
    channel: text("channel").$type<Channel>().notNull(),
    priority: text("priority").$type<Priority>().notNull(),
    status: text("status").$type<NotificationStatus>().notNull(),
    reason: text("reason"),
    content: json("content").$type<RenderedContent>().notNull(),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    retryCount: integer("retry_count").notNull().default(0),
    lastError: text("last_error"),
    /**
     * The provider that may hold this notification although it never said so:
     * an earlier attempt's request to it was answered ambiguously (no answer
     * to a request that was written, a gateway's 502…). Every later attempt
     * goes to it alone, never to a failover provider that would send a second
     * copy. Kept once set (also after SENT): nothing but the provider's own
     * conclusive answer settles it, and that ends the notification anyway.
     */
    ambiguousProvider: text("ambiguous_provider"),
    /**
     * When that ambiguous request was a batch request (Resend's
     * `/emails/batch`), its Idempotency-Key: later attempts reuse it, and the
     * rows sharing it are that request's e-mails. Null for a request of its
     * own (keyed by the notification id).
     */
    ambiguousBatchKey: text("ambiguous_batch_key"),
    dedupKey: text("dedup_key"),
    /** The digest notification this one was folded into. */
    digestId: text("digest_id"),
    /**
     * The `send_batch` job (`snd_…`) that sends this row together with others
     * routed at the same time; null when it has a `send` job of its own.
     */
    sendJob: text("send_job"),
    scheduledAt: at("scheduled_at"),
    createdAt: createdAt(),
    updatedAt: at("updated_at").notNull().defaultNow(),
    queuedAt: at("queued_at"),
    sentAt: at("sent_at"),
    deliveredAt: at("delivered_at"),
    readAt: at("read_at"),
    seenAt: at("seen_at"),
    archivedAt: at("archived_at"),
    clickedAt: at("clicked_at"),
  },
  (t) => [
    // One notification per (event, recipient, channel): a re-run router finds, not duplicates.
    uniqueIndex("notifications_event_recipient_channel_uq").on(t.eventId, t.recipientId, t.channel),
    index("notifications_user_idx").on(t.userId, t.id),
    index("notifications_inbox_idx").on(t.recipientId, t.id).where(sql`channel = 'in_app'`),
    index("notifications_created_idx").on(t.createdAt),
    index("notifications_provider_msg_idx")
      .on(t.providerMessageId)
      .where(sql`provider_message_id IS NOT NULL`),
    // The e-mails of an ambiguous batch request, rebuilt when its retry meets Resend's other payload.
    index("notifications_ambiguous_batch_idx")
      .on(t.ambiguousBatchKey)
      .where(sql`ambiguous_batch_key IS NOT NULL`),
    // A digest flush gathers its items by digest id.
    index("notifications_digest_idx").on(t.digestId).where(sql`digest_id IS NOT NULL`),
    // Work that may need re-enqueueing or an operator's attention.
    index("notifications_open_idx")
      .on(t.status, t.updatedAt)
      .where(sql`status IN ('PENDING','QUEUED','SCHEDULED','FAILED','DEAD')`),
  ],
);

/** Every status change with its time: a notification's timeline. */
export const notificationTimeline = pgTable(
  "notification_timeline",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    notificationId: text("notification_id").notNull(),
    status: text("status").$type<NotificationStatus>().notNull(),
    at: at("at").notNull().defaultNow(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [index("notification_timeline_ntf_idx").on(t.notificationId, t.id)],
);
