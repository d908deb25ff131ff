import type { Channel } from "@herald/domain";
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

export type DigestStatus = "open" | "sent" | "empty";

/**
 * One digest window of one recipient on one channel. Items (notifications of
 * a category in daily/weekly mode) point at `notificationId` through their
 * `digest_id`; at `flushAt` they are folded into that one notification.
 * Unique per (recipient, channel, flushAt): however many routers and flushers
 * run, a window has one row and so at most one digest notification.
 */
export const digests = pgTable(
  "digests",
  {
    id: text("id").primaryKey(),
    recipientId: text("recipient_id").notNull(),
    userId: text("user_id").notNull(),
    channel: text("channel").$type<Channel>().notNull(),
    flushAt: at("flush_at").notNull(),
    /** The digest notification's id, chosen when the window opens so items can name it. */
    notificationId: text("notification_id").notNull().unique(),
    status: text("status").$type<DigestStatus>().notNull().default("open"),
    itemCount: integer("item_count").notNull().default(0),
    createdAt: createdAt(),
    flushedAt: at("flushed_at"),
  },
  (t) => [
    uniqueIndex("digests_window_uq").on(t.recipientId, t.channel, t.flushAt),
    index("digests_due_idx").on(t.flushAt).where(sql`status = 'open'`),
  ],
);

/** Why an address is suppressed: a hard bounce (or a number the provider refuses for good), a spam complaint, an operator. */
export const SUPPRESSION_KINDS = ["bounced", "complained", "manual"] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

/** Who put an address on the suppression list by hand: an API key, or a dashboard account through its session. */
export interface SuppressionActor {
  via: "api_key" | "dashboard";
  /** The key's id (`key_…`) or the dashboard account's id. */
  id: string;
  /** The key's name or the account's e-mail address, as they were then. */
  name: string;
}

/**
 * Addresses that bounced, complained or were suppressed by hand, per
 * channel. Keyed by a hash of the normalised address (no PII at rest): a
 * recipient whose e-mail changes is reachable again, the old address stays
 * suppressed.
 */
export const suppressions = pgTable(
  "suppressions",
  {
    channel: text("channel").$type<Channel>().notNull(),
    addressHash: text("address_hash").notNull(),
    reason: text("reason").$type<SuppressionKind>().notNull(),
    provider: text("provider"),
    notificationId: text("notification_id"),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    /** A `manual` suppression's reason in the operator's words; null for the providers' ones. */
    note: text("note"),
    /** Who added a `manual` suppression; kept if a provider's complaint later outranks it. */
    suppressedBy: jsonb("suppressed_by").$type<SuppressionActor>(),
    createdAt: createdAt(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.addressHash] })],
);

/**
 * Dedup window claims: the first event with a key owns it until `expiresAt`;
 * later events with the same key are duplicates. Expired rows are reclaimed
 * in place and swept periodically.
 */
export const dedupKeys = pgTable(
  "dedup_keys",
  {
    keyHash: text("key_hash").primaryKey(),
    eventId: text("event_id").notNull(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [
    index("dedup_keys_expires_idx").on(t.expiresAt),
    // An event cancel releases the event's claims (a topic event holds one per recipient).
    index("dedup_keys_event_idx").on(t.eventId),
  ],
);
