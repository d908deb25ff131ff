import { z } from "@hono/zod-openapi";
import { ResendEvent } from "../services/resend-events.ts";
import { exampleIds } from "./examples.ts";

/*
 * What the providers' delivery callbacks carry, for /openapi.json only: the
 * routes read their raw bodies themselves, after the signature, and ignore
 * what they do not know. Nothing here is enforced on a request (see the
 * routes), so a field a provider adds, or one it leaves out, never earns it a 4xx.
 */

const header = (description: string, example: string) => z.string().openapi({ description, example });

/** Svix's headers on Resend's POST, checked against `RESEND_WEBHOOK_SECRET` (401 without them). */
export const ResendWebhookHeaders = z.object({
  "svix-id": header(
    "The delivery's id; a repeated one changes nothing (Svix retries with the same id)",
    "msg_2pVzEmA7Pm0iY8Ht4kOU4tXKDd1",
  ),
  "svix-timestamp": header("Unix seconds of the attempt; more than 5 minutes off: 401", "1732318872"),
  "svix-signature": header(
    "`v1,` + base64 HMAC-SHA256 of `svix-id.svix-timestamp.body` (space-separated when several)",
    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  ),
});

/**
 * Resend's event: the parser's own schema (`prepareResendEvent`), so this
 * lists exactly what Herald reads. Named with zod's `.meta` (see `OpsAlertBody`).
 */
export const ResendWebhookEvent = ResendEvent.meta({
  id: "ResendEvent",
  description:
    "A Resend webhook event. Herald reads these fields and ignores the rest. `type` is one of " +
    "`email.sent`, `email.delivered`, `email.delivery_delayed`, `email.bounced`, `email.complained`, " +
    "`email.opened`, `email.clicked`; any other type, or a body of another shape, is answered 200 " +
    '`"ignored"`. The notification is found by `data.email_id` or by its `notification_id` tag.',
  example: {
    type: "email.delivered",
    created_at: "2026-11-24T09:00:02.126Z",
    data: {
      email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
      created_at: "2026-11-24T09:00:00.894Z",
      from: "Herald <notifications@example.com>",
      to: ["ada@example.com"],
      subject: "Order A-1042 confirmed",
      tags: [{ name: "notification_id", value: exampleIds.notification }],
    },
  },
});

/** Twilio's header on its status callback, checked against `TWILIO_AUTH_TOKEN` (401 without it). */
export const TwilioWebhookHeaders = z.object({
  "X-Twilio-Signature": header(
    "Base64 HMAC-SHA1, under the account's auth token, of the URL Twilio called (`PUBLIC_URL` + path + query) " +
      "followed by each form parameter's name and value, sorted by name",
    "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
  ),
});

export const TwilioWebhookQuery = z.object({
  notificationId: z
    .string()
    .optional()
    .openapi({
      description:
        "Put in the status-callback URL by Herald's worker (and so covered by the signature): finds the " +
        "notification before the worker has recorded Twilio's `MessageSid`",
      example: exampleIds.notification,
    }),
});

const param = (description: string, example: string) => z.string().openapi({ description, example });

/** Twilio's form-encoded status callback (twilio.com/docs/messaging/guides/track-outbound-message-status). */
export const TwilioStatusCallback = z
  .object({
    MessageSid: param(
      "The message (`SmsSid` is read when this is missing)",
      "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    ),
    MessageStatus: param(
      "`accepted`, `scheduled`, `queued`, `sending`, `sent`, `delivered`, `read`, `undelivered` or `failed` " +
        "(`SmsStatus` is read when this is missing); others are ignored",
      "delivered",
    ),
    AccountSid: param("The Twilio account", "AC00000000000000000000000000000000").optional(),
    ErrorCode: param(
      "On `undelivered` and `failed`: Twilio's error code; one that says the number cannot take SMS " +
        "(e.g. 21610, the recipient sent STOP) also suppresses the number",
      "30006",
    ).optional(),
    To: param("The recipient's number (suppressed on such an error code)", "+14155550123").optional(),
    From: param("The sending number", "+14155550100").optional(),
    SmsSid: param("Older name of `MessageSid`", "SM1f0e8ae6ade43cb3c0ce4525424e404f").optional(),
    SmsStatus: param("Older name of `MessageStatus`", "delivered").optional(),
    ApiVersion: param("Twilio's API version", "2010-04-01").optional(),
  })
  .openapi("TwilioStatusCallback", {
    description:
      "Twilio's status callback. Herald reads `MessageSid`, `MessageStatus`, `ErrorCode` and `To` (or the " +
      "older `SmsSid` and `SmsStatus`); the other fields shown are some of those Twilio also sends, and any " +
      'field is accepted. A callback without a message id or status is answered 200 `"ignored"`.',
    example: {
      AccountSid: "AC00000000000000000000000000000000",
      ApiVersion: "2010-04-01",
      From: "+14155550100",
      To: "+14155550123",
      MessageSid: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
      SmsSid: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
      MessageStatus: "delivered",
      SmsStatus: "delivered",
    },
  });
