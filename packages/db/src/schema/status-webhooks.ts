import type { NotificationStatus } from "@herald/domain";
import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt, keyText } from "./columns.ts";

/**
 * The endpoint id of `STATUS_WEBHOOK_URL` (configured by the worker's env, not
 * a `webhook_endpoints` row): changes and batches recorded for it carry it.
 */
export const ENV_WEBHOOK_ENDPOINT_ID = "whe_env";

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
    /** The endpoint it is recorded for (`whe_…`, `whe_env` for STATUS_WEBHOOK_URL): one row per matching endpoint. */
    endpointId: keyText("endpoint_id").notNull().default(ENV_WEBHOOK_ENDPOINT_ID),
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
    // Per endpoint, oldest first: its claims, its backlog count and its oldest change.
    index("status_webhook_changes_endpoint_idx").on(t.endpointId, t.id),
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
    /** The endpoint its changes are for: each endpoint has its own batches, retries and backoff. */
    endpointId: keyText("endpoint_id").notNull().default(ENV_WEBHOOK_ENDPOINT_ID),
    /** Attempts that failed (refused, timed out, unreachable). */
    attempts: integer("attempts").notNull().default(0),
    /**
     * Consecutive attempts the receiver refused for the body (400, 413, 422);
     * any other failure resets it. At `STATUS_WEBHOOK_SPLIT_AFTER` the batch is
     * split in two, or its one change dropped.
     */
    rejections: integer("rejections").notNull().default(0),
    /**
     * The newer half of a split waits for the older one: it is not POSTed
     * while a batch of this id exists (so a notification with changes in
     * both halves still gets them in order, never in two POSTs at once).
     */
    afterBatchId: text("after_batch_id"),
    nextAttemptAt: at("next_attempt_at").notNull().defaultNow(),
    /** A dispatcher is POSTing it until then; one that died leaves it to be taken over after. */
    leasedUntil: at("leased_until"),
    /**
     * Stamped afresh by each claim: a dispatcher settles the batch (deletes,
     * postpones, splits it) only while it still holds its own claim's token,
     * so one that stalled past its lease cannot settle the batch another one
     * took over since. Null on a batch no claim of this version has leased yet.
     */
    leaseToken: text("lease_token"),
    /**
     * Why the last attempt failed, for the operator (`answered 503`, `unreachable: ECONNREFUSED`):
     * the dispatcher's own words, never the body sent or received; at most 300 characters.
     */
    lastError: text("last_error"),
    /** When the last failed attempt ended; null until one did. */
    lastAttemptAt: at("last_attempt_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("status_webhook_batches_due_idx").on(t.nextAttemptAt),
    index("status_webhook_batches_endpoint_idx").on(t.endpointId, t.attempts),
  ],
);

/**
 * Status webhook endpoints managed through the API (`/v1/webhook-endpoints`),
 * each with its own secret, status filter and delivery state. A trigger of
 * migration 0026 keeps the settings row `webhook_endpoints` (the enabled ones'
 * ids and statuses) that the `notifications` triggers read in step with it.
 */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  /** `whe_…` */
  id: keyText("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description").notNull().default(""),
  statuses: text("statuses").array().$type<NotificationStatus[]>().notNull(),
  enabled: boolean("enabled").notNull().default(true),
  /** `whsec_…`: kept so the dispatchers can sign; shown once, at creation and rotation. */
  secret: text("secret").notNull(),
  /** The secret before the last rotation: POSTs carry a signature with it too until `previous_secret_until`. */
  previousSecret: text("previous_secret"),
  previousSecretUntil: at("previous_secret_until"),
  createdAt: createdAt(),
  updatedAt: at("updated_at").notNull().defaultNow(),
  /** When a POST to it was last answered 2xx. */
  lastSuccessAt: at("last_success_at"),
  /** The first failed attempt since the last success; null while healthy. */
  failingSince: at("failing_since"),
  /** Why the last attempt failed (`answered 503`), at most 300 characters; null once one succeeds. */
  lastError: text("last_error"),
  /** Failed attempts since the last success. */
  failedAttempts: integer("failed_attempts").notNull().default(0),
  /** Changes dropped because it refused them alone (400, 413, 422) `STATUS_WEBHOOK_SPLIT_AFTER` times in a row. */
  rejectedChanges: integer("rejected_changes").notNull().default(0),
  /**
   * The last of those and why (`dropped change 81234 (ntf_… DELIVERED): answered 422 3 times`), at most
   * 300 characters; unlike `lastError`, kept after a success: the change is gone for good.
   */
  lastRejection: text("last_rejection"),
  lastRejectedAt: at("last_rejected_at"),
});
