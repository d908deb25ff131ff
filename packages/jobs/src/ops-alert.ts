import { z } from "zod";

/**
 * The dead-letter ops alert as the worker POSTs it to `OPS_ALERT_WEBHOOK_URL`:
 * the worker's type (`z.infer`) and the API's `/openapi.json` (`webhooks.opsAlert`)
 * both come from these schemas, so the document cannot describe another body.
 * Objects are not strict: a receiver must accept fields added later.
 */
export const DeadLetterSampleSchema = z.object({
  notificationId: z.string().describe("The dead notification (`GET /v1/notifications/{id}`)"),
  channel: z.string().describe("`push`, `email`, `sms` or `in_app`"),
  type: z.string().describe("Its notification type, `unknown` when the row is gone"),
  attempts: z.number().int().describe("Attempts made before it was dead-lettered"),
  error: z.string().max(300).describe("The last attempt's error (no personal data), cut at 300 characters"),
  at: z.iso.datetime().describe("When the failing send job was created"),
});
export type DeadLetterSample = z.infer<typeof DeadLetterSampleSchema>;

/** Most samples one alert carries: the first notifications to die since the last alert. */
export const OPS_ALERT_MAX_SAMPLES = 20;

export const OpsAlertSchema = z.object({
  type: z.literal("herald.dead_letters"),
  text: z.string().describe("A one-line summary, so Slack-style incoming webhooks show something readable"),
  count: z.number().int().describe("Notifications dead-lettered since `since`"),
  since: z.iso.datetime().describe("When the first of them died"),
  until: z.iso.datetime().describe("When the alert was made (the same on every redelivery)"),
  byChannel: z.record(z.string(), z.number().int()).describe("`count` by channel"),
  byType: z.record(z.string(), z.number().int()).describe("`count` by notification type"),
  samples: z
    .array(DeadLetterSampleSchema)
    .max(OPS_ALERT_MAX_SAMPLES)
    .describe(`Up to ${OPS_ALERT_MAX_SAMPLES} of the notifications, the first ones to die`),
  howToRetry: z.string().describe("Where to look and how to retry once the provider works again"),
});
export type OpsAlert = z.infer<typeof OpsAlertSchema>;

/**
 * Standard Webhooks headers (standardwebhooks.com) on an alert POST when
 * `OPS_ALERT_WEBHOOK_SECRET` is set; Svix's libraries verify them too.
 */
export const OPS_ALERT_SIGNATURE_HEADERS = {
  id: "webhook-id",
  timestamp: "webhook-timestamp",
  signature: "webhook-signature",
} as const;
