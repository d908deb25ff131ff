import type { Channel } from "@herald/domain";
import { bigint, date, index, pgTable, primaryKey, smallint, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * Provider webhook deliveries already processed (`svix-id` for Resend,
 * `MessageSid:MessageStatus` for Twilio): a replay or a provider's retry of
 * the same delivery changes nothing.
 */
export const webhookReceipts = pgTable(
  "webhook_receipts",
  {
    provider: text("provider").notNull(),
    id: text("id").notNull(),
    receivedAt: at("received_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.id] }),
    index("webhook_receipts_received_idx").on(t.receivedAt),
  ],
);

const counter = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);

/**
 * Delivery counts per UTC day (of the notification's creation), channel and
 * type, kept up to date by triggers on `notifications` (migration
 * `stats_rollup`). Each connection adds to its own `shard` row so concurrent
 * writers do not queue on one hot row; readers sum the shards. Rows are
 * counted once they reach a milestone and stay counted: `sent` includes
 * everything delivered or read, `delivered` everything read, `read`
 * everything clicked. `failed`, `bounced` and `complained` count the current
 * status. Retention does not subtract: the numbers outlive the purged rows.
 */
export const notificationStatsDaily = pgTable(
  "notification_stats_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    channel: text("channel").$type<Channel>().notNull(),
    type: text("type").notNull(),
    shard: smallint("shard").notNull(),
    total: counter("total"),
    sent: counter("sent"),
    delivered: counter("delivered"),
    read: counter("read"),
    clicked: counter("clicked"),
    failed: counter("failed"),
    bounced: counter("bounced"),
    complained: counter("complained"),
  },
  (t) => [primaryKey({ columns: [t.day, t.channel, t.type, t.shard] })],
);
