import { HeraldError } from "@herald/errors";
import { createRoute } from "@hono/zod-openapi";
// The SDK's own validator, without loading the whole REST client (over a second at start-up).
import { validateRequest } from "twilio/lib/webhooks/webhooks.js";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import {
  TwilioStatusCallback,
  TwilioWebhookHeaders,
  TwilioWebhookQuery,
} from "../schemas/provider-webhooks.ts";
import { webhookResponses } from "../schemas/webhook-ack.ts";
import { processOnce } from "../services/process-once.ts";
import { prepareTwilioStatus } from "../services/twilio-events.ts";

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/twilio",
  tags: ["Webhooks"],
  summary: "Twilio SMS status callbacks (X-Twilio-Signature)",
  description:
    "Form-encoded status callback. The signature is checked against `PUBLIC_URL` + path (+ query), the URL " +
    "Twilio was given, so it holds behind a proxy. Maps `queued/sent/delivered/undelivered/failed`. " +
    "A callback that comes before the worker has Twilio's answer (its call still running, or timed out) " +
    "records the notification SENT with its `MessageSid` first, so the retry does not send it again. " +
    "A repeated (MessageSid, MessageStatus) changes nothing.",
  security: [],
  responses: webhookResponses,
});

/**
 * The document's version of the route, with Twilio's form body, header and
 * the callback URL's query. Only described: declared on the route, they would
 * be validated before the signature, and a parameter Twilio adds or leaves
 * out would get a 4xx.
 */
const described = {
  ...route,
  request: {
    headers: TwilioWebhookHeaders,
    query: TwilioWebhookQuery,
    body: {
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: TwilioStatusCallback } },
    },
  },
};

export function registerTwilioWebhook(app: App, deps: ApiDeps): void {
  app.openAPIRegistry.registerPath(described);
  app.openapi({ ...route, hide: true }, async (c) => {
    const token = deps.env.TWILIO_AUTH_TOKEN;
    if (!token)
      throw new HeraldError("unauthorized", "Twilio webhooks are not configured (TWILIO_AUTH_TOKEN).");
    const signature = c.req.header("x-twilio-signature");
    if (!signature) throw new HeraldError("unauthorized", "Missing X-Twilio-Signature.");
    const raw = await c.req.text();
    const params = Object.fromEntries(new URLSearchParams(raw));
    // Twilio signs the URL it called: ours as the public sees it, not as the proxy forwarded it.
    const url = `${deps.env.PUBLIC_URL}${c.req.path}${new URL(c.req.url).search}`;
    if (!validateRequest(token, signature, url, params)) {
      throw new HeraldError("unauthorized", "Invalid X-Twilio-Signature.");
    }
    const sid = params.MessageSid ?? params.SmsSid ?? "";
    const status = params.MessageStatus ?? params.SmsStatus ?? "";
    if (!sid || !status)
      return c.json({ ok: true as const, duplicate: false, notificationId: null, result: "ignored" }, 200);
    const writes = await prepareTwilioStatus(deps.db, params, c.req.query("notificationId"));
    const outcome = await processOnce(deps.db, "twilio", `${sid}:${status}`, writes);
    if (outcome.duplicate)
      return c.json({ ok: true as const, duplicate: true, notificationId: null, result: "duplicate" }, 200);
    return c.json({ ok: true as const, duplicate: false, ...outcome.result }, 200);
  });
}
