import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";
import type { ChannelSkip } from "./events.ts";
import { recipients } from "./recipients.ts";

/** A named audience (a list). Created by its first subscription. */
export const topics = pgTable("topics", {
  key: text("key").primaryKey(),
  createdAt: createdAt(),
});

/**
 * Who is on a topic. The primary key's order (topic, recipient id) is the
 * keyset a fan-out pages by: recipient ids sort by creation, never repeat.
 */
export const topicSubscribers = pgTable(
  "topic_subscribers",
  {
    topicKey: text("topic_key")
      .notNull()
      .references(() => topics.key, { onDelete: "cascade" }),
    recipientId: text("recipient_id")
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.topicKey, t.recipientId] }),
    index("topic_subscribers_recipient_idx").on(t.recipientId),
  ],
);

/** What one fan-out page produced, by reason. */
export interface FanoutPageCounts {
  recipients: number;
  notifications: number;
  /** Channels skipped before a notification existed (opted_out, unreachable…), by reason. */
  skipped: Record<string, number>;
}

/**
 * The plan of a topic event's fan-out: one row per page, its keyset bounds
 * (`after` < recipient id <= `until`, null = open), and its counts once done.
 * The rows are written once by the planner, so a re-run re-enqueues the same pages.
 */
export const fanoutPages = pgTable(
  "fanout_pages",
  {
    eventId: text("event_id").notNull(),
    page: integer("page").notNull(),
    after: text("after"),
    until: text("until"),
    counts: jsonb("counts").$type<FanoutPageCounts>(),
    doneAt: at("done_at"),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.page] }),
    index("fanout_pages_open_idx").on(t.eventId).where(sql`done_at IS NULL`),
  ],
);

/**
 * A topic event's subscriber who got nothing from it (every channel skipped
 * before a notification existed), and why: what support looks for on that
 * user's page, since a topic event is not theirs and leaves them no
 * notification. Only misses are kept, so a fan-out whose whole audience got
 * something writes no rows here.
 */
export const fanoutMisses = pgTable(
  "fanout_misses",
  {
    recipientId: text("recipient_id").notNull(),
    eventId: text("event_id").notNull(),
    /** The channels skipped and why (opted_out, unreachable…), as `events.suppressed`. */
    suppressed: jsonb("suppressed").$type<ChannelSkip[]>().notNull(),
  },
  (t) => [
    // A user's misses newest first (event ids sort by creation); a retried page inserts nothing twice.
    primaryKey({ columns: [t.recipientId, t.eventId] }),
    // An event's misses, by recipient id (support's list of who got nothing); retention deletes by event.
    index("fanout_misses_event_idx").on(t.eventId, t.recipientId),
  ],
);
