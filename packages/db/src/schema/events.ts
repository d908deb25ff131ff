import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt, keyText } from "./columns.ts";

export type EventStatus = "accepted" | "routed" | "failed";

export interface ChannelSkip {
  channel: string;
  reason: string;
}

/** One accepted trigger. Routing turns it into notifications. */
export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    /** Unique: a repeated key returns the first event and creates nothing. */
    idempotencyKey: text("idempotency_key").unique(),
    /** SHA-256 of the request, to tell a retry from a different request reusing a key. */
    requestHash: text("request_hash"),
    type: text("type").notNull(),
    /** The app's user id; null for an event addressed to a topic. */
    userId: text("user_id"),
    /** The topic (list) the event fans out to, instead of one user. */
    topic: text("topic"),
    /** Pages the fan-out was planned in; null until planned (and for user events). */
    fanoutPages: integer("fanout_pages"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    priority: text("priority").notNull(),
    sendAt: at("send_at"),
    /** Channels the caller restricted this event to, or null for the type's channels. */
    channels: text("channels").array(),
    dedupKey: text("dedup_key"),
    status: text("status").$type<EventStatus>().notNull().default("accepted"),
    /** Channels of the type that got no notification, and why (opted_out, unreachable…). */
    suppressed: jsonb("suppressed").$type<ChannelSkip[]>().notNull().default([]),
    error: text("error"),
    apiKeyId: text("api_key_id"),
    /**
     * The `route_group` job routing this event with the others accepted
     * together (its job id); null when the event has a `route` job of its own
     * (job id = event id). The reconciler looks for this job.
     */
    routeJob: text("route_job"),
    createdAt: createdAt(),
    routedAt: at("routed_at"),
    /**
     * When the app canceled the event (`DELETE /v1/events/:id`): the router
     * routes it no further and its notifications not sent yet are canceled.
     * Kept beside `status`, which still says how far routing got.
     */
    canceledAt: at("canceled_at"),
    /** The recurring schedule whose run created it (`sch_…`); null for events the app triggered. */
    scheduleId: keyText("schedule_id"),
  },
  (t) => [
    index("events_user_idx").on(t.userId, t.id),
    // The reconciler looks for events accepted but never routed.
    index("events_unrouted_idx").on(t.createdAt).where(sql`status = 'accepted'`),
    // A schedule's runs, newest first; few events have one.
    index("events_schedule_idx").on(t.scheduleId, t.id).where(sql`schedule_id IS NOT NULL`),
  ],
);
