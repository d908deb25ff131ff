import { HeraldError } from "@herald/errors";
import { createRoute } from "@hono/zod-openapi";
// Only the verifier, not the whole Svix API client.
import { Webhook } from "svix/dist/webhook.js";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { ResendWebhookEvent, ResendWebhookHeaders } from "../schemas/provider-webhooks.ts";
import { webhookResponses } from "../schemas/webhook-ack.ts";
import { processOnce } from "../services/process-once.ts";
import { prepareResendEvent } from "../services/resend-events.ts";

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/resend",
  tags: ["Webhooks"],
  summary: "Resend delivery events (Svix-signed)",
  description:
    "Verifies `svix-id`, `svix-timestamp` and `svix-signature` against `RESEND_WEBHOOK_SECRET` over the raw body " +
    "(5-minute tolerance), then maps `email.sent/delivered/delivery_delayed/bounced/complained/opened/clicked` " +
    "to the notification's status and timeline. A repeated `svix-id` changes nothing. No API key: the signature is the auth.",
  security: [],
  responses: webhookResponses,
});

/**
 * The document's version of the route, with Resend's body and Svix's headers.
 * Only described: declared on the route, they would be validated before the
 * signature, and a field Resend adds or leaves out would get a 4xx.
 */
const described = {
  ...route,
  request: {
    headers: ResendWebhookHeaders,
    body: { required: true, content: { "application/json": { schema: ResendWebhookEvent } } },
  },
};

export function registerResendWebhook(app: App, deps: ApiDeps): void {
  app.openAPIRegistry.registerPath(described);
  app.openapi({ ...route, hide: true }, async (c) => {
    const secret = deps.env.RESEND_WEBHOOK_SECRET;
    if (!secret)
      throw new HeraldError("unauthorized", "Resend webhooks are not configured (RESEND_WEBHOOK_SECRET).");
    const raw = await c.req.text();
    const headers = {
      "svix-id": c.req.header("svix-id") ?? "",
      "svix-timestamp": c.req.header("svix-timestamp") ?? "",
      "svix-signature": c.req.header("svix-signature") ?? "",
    };
    let payload: unknown;
    try {
      payload = new Webhook(secret).verify(raw, headers);
    } catch (err) {
      // Svix parses the body only after the signature matched: the sender is genuine, the body is not JSON.
      if (err instanceof SyntaxError)
        throw new HeraldError(
          "malformed_request",
          "The webhook is signed correctly but its body is not JSON.",
        );
      throw new HeraldError("unauthorized", "Invalid webhook signature or timestamp.");
    }
    const writes = await prepareResendEvent(deps.db, payload);
    const outcome = await processOnce(deps.db, "resend", headers["svix-id"], writes);
    if (outcome.duplicate)
      return c.json({ ok: true as const, duplicate: true, notificationId: null, result: "duplicate" }, 200);
    return c.json({ ok: true as const, duplicate: false, ...outcome.result }, 200);
  });
}
