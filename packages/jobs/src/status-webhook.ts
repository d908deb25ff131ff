import { CHANNELS, NOTIFICATION_STATUSES } from "@herald/domain";
import { z } from "zod";

/** Most changes one status webhook POST carries (`STATUS_WEBHOOK_BATCH_SIZE`'s ceiling). */
export const STATUS_WEBHOOK_MAX_BATCH = 1000;

/**
 * One status change as the worker POSTs it to `STATUS_WEBHOOK_URL`: ids and
 * statuses, no personal data (no address, no content, no provider error,
 * which may quote an address: `GET /v1/notifications/{id}` has it). The
 * worker's type and `/openapi.json`'s `webhooks.notificationStatuses` both
 * come from these schemas. Objects are not strict: accept fields added later.
 */
export const StatusChangeSchema = z.object({
  sequence: z
    .number()
    .int()
    .describe(
      "Increases with every change Herald records: a notification's changes come in this order; " +
        "keep the highest seen per notification to drop a late redelivery",
    ),
  notificationId: z.string().describe("The notification (`GET /v1/notifications/{id}`)"),
  eventId: z.string().nullable().describe("The event it was sent for; null once retention deleted the row"),
  userId: z
    .string()
    .nullable()
    .describe("Your user id (`userId` of the event); null once retention deleted the row"),
  type: z.string().nullable().describe("Its notification type; null once retention deleted the row"),
  channel: z.enum(CHANNELS).nullable().describe("Its channel; null once retention deleted the row"),
  status: z.enum(NOTIFICATION_STATUSES).describe("The status it moved to"),
  previousStatus: z
    .enum(NOTIFICATION_STATUSES)
    .nullable()
    .describe("The status it left (reported or not); null when it was created in `status` (SUPPRESSED)"),
  reason: z
    .string()
    .nullable()
    .describe(
      "Why, where Herald records one: a suppression's (`opted_out`, `quiet_hours`…), a FAILED one's " +
        "`permanent_error` or `device_gone` when no retry follows (null: it will be retried), a cancel's",
    ),
  at: z.iso.datetime().describe("When Herald recorded the change"),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

export const StatusWebhookSchema = z.object({
  type: z.literal("herald.notification_statuses"),
  data: z
    .array(StatusChangeSchema)
    .min(1)
    .max(STATUS_WEBHOOK_MAX_BATCH)
    .describe("Changes in `sequence` order, up to `STATUS_WEBHOOK_BATCH_SIZE` (default 100)"),
});
export type StatusWebhook = z.infer<typeof StatusWebhookSchema>;
