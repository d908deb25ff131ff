import { DEFAULT_JOB_OPTIONS, type OpsAlert, OpsAlertSchema } from "@herald/jobs";
import { z } from "@hono/zod-openapi";
import type { App } from "../hono-env.ts";
import { exampleIds } from "../schemas/examples.ts";

const example: OpsAlert = {
  type: "herald.dead_letters",
  text: "Herald: 3 notifications dead-lettered since 2026-11-24T09:00:00.000Z (email 2, sms 1).",
  count: 3,
  since: "2026-11-24T09:00:00.000Z",
  until: "2026-11-24T09:00:30.000Z",
  byChannel: { email: 2, sms: 1 },
  byType: { order_placed: 3 },
  samples: [
    {
      notificationId: exampleIds.notification,
      channel: "email",
      type: "order_placed",
      attempts: 4,
      error: "resend: 503 Service Unavailable",
      at: "2026-11-24T08:24:00.000Z",
    },
  ],
  howToRetry:
    'GET /v1/dead-letters to inspect; POST /v1/dead-letters/retry with {"channel": "…"} once the provider works again.',
};

/**
 * The alert body: the worker's own schema (`@herald/jobs`). Named with zod's
 * `.meta`, not `.openapi`: the schema may be built before @hono/zod-openapi
 * extends zod, and then has no `.openapi` method.
 */
export const OpsAlertBody = OpsAlertSchema.meta({
  id: "OpsAlert",
  description:
    "Dead letters since the last alert, grouped: one alert `OPS_ALERT_GROUP_WAIT_MS` after the first death, " +
    "then at most one every `OPS_ALERT_INTERVAL_MS`, across all worker processes. Fields may be added.",
  example,
});

// The alert job's retries (the dead_letter queue's options), as the description states them.
const { attempts, backoff } = DEFAULT_JOB_OPTIONS.dead_letter;
const retryMinutes = Math.round(((2 ** (attempts - 1) - 1) * backoff.delay) / 60_000);

const signatureHeader = (description: string, example: string) =>
  z.string().optional().openapi({ description, example });

/** The Standard Webhooks headers of a POST Herald signs; `id` says what `webhook-id` names. */
export const signatureHeaders = (id: { description: string; example: string }) =>
  z.object({
    "webhook-id": signatureHeader(id.description, id.example),
    "webhook-timestamp": signatureHeader(
      "Unix seconds when this attempt was sent (new on each redelivery); refuse one far from now",
      "1795338030",
    ),
    "webhook-signature": signatureHeader(
      "`v1,` + base64 HMAC-SHA256 of `webhook-id.webhook-timestamp.body` under the base64-decoded part of " +
        "the `whsec_` secret",
      "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    ),
  });

const SignatureHeaders = signatureHeaders({
  description: "The alert's id: the same on every redelivery of this alert, so a receiver can drop repeats",
  example: "ops-alert-1795338000000-k3x9qa",
});

/**
 * `webhooks.opsAlert` in /openapi.json: the POST Herald's worker makes to
 * `OPS_ALERT_WEBHOOK_URL` when notifications are dead-lettered. Not a route
 * of this API: the operator's receiver implements it.
 */
export function describeOpsAlertWebhook(app: App): void {
  app.openAPIRegistry.registerWebhook({
    method: "post",
    path: "opsAlert",
    tags: ["Webhooks"],
    summary: "Dead-letter alert (Herald's worker POSTs it to OPS_ALERT_WEBHOOK_URL)",
    description:
      "With `OPS_ALERT_WEBHOOK_SECRET` set, every POST is signed the Standard Webhooks way " +
      "(standardwebhooks.com): verify it with any Standard Webhooks or Svix library, e.g. " +
      "`new Webhook(secret).verify(rawBody, headers)` from the `svix` or `standardwebhooks` npm package, over " +
      "the raw body. Unset: the same POST without the `webhook-*` headers. An answer other than 2xx, or none " +
      `within 10 s, is sent again, up to ${attempts} attempts over about ${retryMinutes} minutes (exponential ` +
      `backoff from ${backoff.delay / 1000} s), with the same \`webhook-id\` and body and a fresh timestamp and signature.`,
    security: [],
    request: {
      headers: SignatureHeaders,
      body: { required: true, content: { "application/json": { schema: OpsAlertBody } } },
    },
    responses: {
      "2XX": { description: "Taken: this alert is not sent again" },
      default: { description: "Anything else, or no answer within 10 s: the alert is sent again" },
    },
  });
}
