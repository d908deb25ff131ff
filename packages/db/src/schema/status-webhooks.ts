import type { NotificationStatus } from "@herald/domain";
import { sql } from "drizzle-orm";
import { bigserial, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

/**
 * Status changes waiting to be POSTed to `STATUS_WEBHOOK_URL` (an outbox).
 * Written by PostgreSQL itself, by the `notifications` triggers of migration
 * 0022, in the transaction that changed the status: whatever path changed it,
 * the change is recorded exactly when it commits. Rows go once the receiver
 * answered 2xx for their batch, or after `STATUS_WEBHOOK_MAX_AGE`.
 */
export const statusWebhookChanges = pgTable(
  "status_webhook_changes",
  {
    /** Commit order per notification (its row lock orders the writes): the order changes go out in. */
    id: bigserial("id", { mode: "number" }).primaryKey(),
    notificationId: text("notification_id").notNull(),
    status: text("status").$type<NotificationStatus>().notNull(),
    /** Null when the notification was created in `status`. */
    previousStatus: text("previous_status").$type<NotificationStatus>(),
    /** The notification's reason as of the change (a FAILED one's may change later). */
    reason: text("reason"),
    at: at("at").notNull().defaultNow(),
    /** The batch (`swb_…`) it went into; null while unclaimed. */
    batchId: text("batch_id"),
  },
  (t) => [
    // Per notification in order: a change may be claimed only when no earlier one is left.
    index("status_webhook_changes_ntf_idx").on(t.notificationId, t.id),
    index("status_webhook_changes_unclaimed_idx").on(t.id).where(sql`batch_id IS NULL`),
    index("status_webhook_changes_batch_idx").on(t.batchId).where(sql`batch_id IS NOT NULL`),
  ],
);

/**
 * One POST's worth of changes: its id is the `webhook-id` of every attempt,
 * so a redelivery (after a refusal, a timeout or a dispatcher that died) is
 * recognisable as such.
 */
export const statusWebhookBatches = pgTable(
  "status_webhook_batches",
  {
    id: text("id").primaryKey(),
    /** Attempts that failed (refused, timed out, unreachable). */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull().defaultNow(),
    /** A dispatcher is POSTing it until then; one that died leaves it to be taken over after. */
    leasedUntil: at("leased_until"),
    /**
     * Why the last attempt failed, for the operator (`answered 503`, `unreachable: ECONNREFUSED`):
     * the dispatcher's own words, never the body sent or received; at most 300 characters.
     */
    lastError: text("last_error"),
    /** When the last failed attempt ended; null until one did. */
    lastAttemptAt: at("last_attempt_at"),
    createdAt: createdAt(),
  },
  (t) => [index("status_webhook_batches_due_idx").on(t.nextAttemptAt)],
);
