import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, createdAt, keyText } from "./columns.ts";
import { recipients } from "./recipients.ts";

/**
 * The recurrence rule as stored (`@herald/recurrence`'s `RecurrenceRule`
 * without `timezone`, which is the `timezone` column). Declared here so this
 * package does not depend on the rules' package.
 */
export interface StoredRule {
  frequency: "hourly" | "daily" | "weekly" | "monthly";
  interval?: number;
  at?: string;
  minute?: number;
  days?: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
  dayOfMonth?: number;
}

/**
 * A recurring trigger: each run creates one event of `type` with `data`, for
 * one user or a topic. `nextRunAt` is the run that is due next (null once
 * finished); a run advances it with a compare-and-set on its old value, so
 * a run that is repeated (a retried or duplicated job) finds it moved on.
 */
export const schedules = pgTable(
  "schedules",
  {
    id: keyText("id").primaryKey(),
    type: text("type").notNull(),
    /** The app's user id; null for a topic schedule. */
    userId: keyText("user_id"),
    /** The user's recipient row: erasing the user deletes the schedule (its data may hold PII). */
    recipientId: keyText("recipient_id").references(() => recipients.id, { onDelete: "cascade" }),
    /** The topic each run fans out to, instead of one user. */
    topic: keyText("topic"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    priority: text("priority"),
    channels: text("channels").array(),
    rule: jsonb("rule").$type<StoredRule>().notNull(),
    /** IANA zone of the rule; null: the recipient's zone at each run (UTC for a topic). */
    timezone: text("timezone"),
    startsAt: at("starts_at"),
    endsAt: at("ends_at"),
    maxRuns: integer("max_runs"),
    runs: integer("runs").notNull().default(0),
    /** The next run's time; null when finished (endsAt or maxRuns reached). */
    nextRunAt: at("next_run_at"),
    lastRunAt: at("last_run_at"),
    lastEventId: text("last_event_id"),
    /** Set while paused: runs do nothing, `nextRunAt` is recomputed on resume. */
    pausedAt: at("paused_at"),
    apiKeyId: text("api_key_id"),
    /** The creating request's `Idempotency-Key`: a repeat answers this schedule and makes none. */
    idempotencyKey: keyText("idempotency_key"),
    createdAt: createdAt(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // The sweep: due runs of active schedules, oldest first.
    index("schedules_next_run_idx").on(t.nextRunAt).where(sql`next_run_at IS NOT NULL AND paused_at IS NULL`),
    index("schedules_user_idx").on(t.userId, t.id),
    index("schedules_topic_idx").on(t.topic, t.id),
    index("schedules_recipient_idx").on(t.recipientId),
    uniqueIndex("schedules_idempotency_key_idx").on(t.idempotencyKey),
  ],
);
