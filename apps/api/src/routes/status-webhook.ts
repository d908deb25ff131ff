import { type StatusWebhook, StatusWebhookSchema } from "@herald/jobs";
import type { App } from "../hono-env.ts";
import { exampleIds } from "../schemas/examples.ts";
import { signatureHeaders } from "./ops-alert-webhook.ts";

const example: StatusWebhook = {
  type: "herald.notification_statuses",
  data: [
    {
      sequence: 81_234,
      notificationId: exampleIds.notification,
      eventId: exampleIds.event,
      userId: "user-42",
      type: "order_placed",
      channel: "email",
      status: "SENT",
      previousStatus: "QUEUED",
      reason: null,
      at: "2026-11-24T09:00:00.120Z",
    },
    {
      sequence: 81_240,
      notificationId: exampleIds.notification,
      eventId: exampleIds.event,
      userId: "user-42",
      type: "order_placed",
      channel: "email",
      status: "DELIVERED",
      previousStatus: "SENT",
      reason: null,
      at: "2026-11-24T09:00:01.480Z",
    },
  ],
};

/** The body: the worker's own schema (`@herald/jobs`), named with zod's `.meta` as `OpsAlertBody` is. */
export const StatusWebhookBody = StatusWebhookSchema.meta({
  id: "NotificationStatuses",
  description:
    "Status changes of notifications, in batches of up to `STATUS_WEBHOOK_BATCH_SIZE`. Fields may be added.",
  example,
});

/**
 * `webhooks.notificationStatuses` in /openapi.json: the POST Herald's worker
 * makes to `STATUS_WEBHOOK_URL` as notifications change status. Not a route
 * of this API: the app's backend implements it.
 */
export function describeStatusWebhook(app: App): void {
  app.openAPIRegistry.registerWebhook({
    method: "post",
    path: "notificationStatuses",
    tags: ["Webhooks"],
    summary:
      "Notification status changes (Herald's worker POSTs them to STATUS_WEBHOOK_URL and to each endpoint of /v1/webhook-endpoints)",
    description:
      "Sent when `STATUS_WEBHOOK_URL` is set, for the statuses of `STATUS_WEBHOOK_STATUSES` (default SENT, " +
      "DELIVERED, READ, FAILED, DEAD, BOUNCED, COMPLAINED, SUPPRESSED, CANCELED). At least once: a batch that " +
      "gets no 2xx within `STATUS_WEBHOOK_TIMEOUT` (10 s) is sent again, with the same `webhook-id` and " +
      "changes and a fresh timestamp and signature, after 1 s, 2 s, 4 s… up to `STATUS_WEBHOOK_RETRY_MAX` " +
      "(5 min) between attempts; changes older than `STATUS_WEBHOOK_MAX_AGE` (24 h) are dropped (logged and " +
      'counted in `herald_status_webhook_changes_total{result="expired"}`). While a batch is refused, ' +
      "later changes wait and go out after it. A batch refused for its body (400, 413 or 422) " +
      "`STATUS_WEBHOOK_SPLIT_AFTER` (3) times in a row is split in two, older changes first, each half under " +
      "a new `webhook-id`, down to the one change refused, which is dropped (logged and counted in " +
      '`herald_status_webhook_changes_total{result="rejected"}`); any other answer never splits a batch. ' +
      "A notification's changes arrive in `sequence` order, never " +
      "two batches of them at once. Signed the Standard Webhooks way with `STATUS_WEBHOOK_SECRET`, as the " +
      "ops alert: verify with `new Webhook(secret).verify(rawBody, headers)` (`svix` or `standardwebhooks`), " +
      "then drop a `webhook-id` already processed. Answer 2xx once stored: anything else means try again. " +
      "Each endpoint of `/v1/webhook-endpoints` gets the same body for its own statuses, signed with its own " +
      "secret (after a rotation, for 24 h, with the previous one too: two space-separated signatures), with its " +
      "own batches and retries.",
    security: [],
    request: {
      headers: signatureHeaders({
        description:
          "The batch's id (`swb_…`): the same on every redelivery of this batch, so a receiver can drop repeats",
        example: "swb_01jd8q3k5m6n7p8q9r0s1t2v3y",
      }),
      body: { required: true, content: { "application/json": { schema: StatusWebhookBody } } },
    },
    responses: {
      "2XX": { description: "Taken: these changes are not sent again" },
      default: {
        description:
          "Anything else, or no answer in time: the same batch is sent again (400, 413 or 422 several times in a row: split)",
      },
    },
  });
}
