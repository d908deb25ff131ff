import type { Channel, NotificationStatus } from "./types.ts";

/**
 * One notification status change in a status webhook (`STATUS_WEBHOOK_URL`).
 * Ids and statuses only: `GET /v1/notifications/{id}` has the rest. Held to
 * the worker's schema (`StatusChangeSchema`) by `apps/api/test/client-contract.ts`.
 */
export interface StatusChange {
  /** Increases with every change: keep the highest seen per notification to drop a late redelivery. */
  sequence: number;
  notificationId: string;
  /** Null (as `userId`, `type`, `channel`) once retention deleted the notification. */
  eventId: string | null;
  userId: string | null;
  type: string | null;
  channel: Channel | null;
  /** The status it moved to. */
  status: NotificationStatus;
  /** The status it left; null when it was created in `status` (SUPPRESSED). */
  previousStatus: NotificationStatus | null;
  /** Why, where Herald records one (`opted_out`, `permanent_error`…); null on FAILED: a retry follows. */
  reason: string | null;
  /** ISO time Herald recorded it. */
  at: string;
}

/** The body of a status webhook POST: changes in `sequence` order. */
export interface StatusWebhookPayload {
  type: "herald.notification_statuses";
  data: StatusChange[];
}

/** The body of a dead-letter ops alert (`OPS_ALERT_WEBHOOK_URL`). */
export interface OpsAlertPayload {
  type: "herald.dead_letters";
  /** One-line summary. */
  text: string;
  count: number;
  since: string;
  until: string;
  byChannel: Record<string, number>;
  byType: Record<string, number>;
  samples: {
    notificationId: string;
    channel: string;
    type: string;
    attempts: number;
    error: string;
    at: string;
  }[];
  howToRetry: string;
}

/**
 * The test ping of `webhookEndpoints.test` (`POST /v1/webhook-endpoints/{id}/test`): only an endpoint
 * someone tests gets one, so it is not in `HeraldWebhookPayload`; such a receiver verifies with
 * `verifyWebhook<StatusWebhookPayload | WebhookPingPayload>` and narrows on `type`.
 */
export interface WebhookPingPayload {
  type: "herald.ping";
  data: { endpointId: string; sentAt: string };
}

/** What Herald POSTs to a webhook: tell them apart by `type`. */
export type HeraldWebhookPayload = StatusWebhookPayload | OpsAlertPayload;
