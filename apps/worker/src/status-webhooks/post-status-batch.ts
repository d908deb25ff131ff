import type { StatusBatch } from "@herald/db";
import type { StatusWebhook } from "@herald/jobs";
import { type PostOutcome, postSignedWebhook } from "@herald/webhook-signing";

/** The body of batch `batch`'s POST: the contract of `StatusWebhookSchema` (`webhooks.notificationStatuses`). */
export function statusWebhookBody(batch: StatusBatch): StatusWebhook {
  return {
    type: "herald.notification_statuses",
    data: batch.changes.map((c) => ({
      sequence: c.sequence,
      notificationId: c.notificationId,
      eventId: c.eventId,
      userId: c.userId,
      type: c.type,
      channel: c.channel,
      status: c.status,
      previousStatus: c.previousStatus,
      reason: c.reason,
      at: c.at.toISOString(),
    })),
  };
}

export interface PostOptions {
  url: string;
  /** Key bytes of the endpoint's secret (two during a rotation: one signature each); null: unsigned. */
  secret: readonly Buffer[] | null;
  timeoutMs: number;
  now: () => number;
  /** Connect to public addresses only (an endpoint added through the API). Default false. */
  publicOnly?: boolean;
}

/**
 * POSTs one batch. `webhook-id` is the batch id, the same on every
 * redelivery. Anything but 2xx within `timeoutMs` is a failure; the caller
 * keeps the batch for another attempt.
 */
export function postStatusBatch(batch: StatusBatch, options: PostOptions): Promise<PostOutcome> {
  return postSignedWebhook({
    url: options.url,
    secret: options.secret,
    id: batch.id,
    body: JSON.stringify(statusWebhookBody(batch)),
    timeoutMs: options.timeoutMs,
    userAgent: "herald-status-webhook",
    nowMs: options.now(),
    publicOnly: options.publicOnly ?? false,
  });
}
