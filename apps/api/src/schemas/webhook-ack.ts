import { z } from "@hono/zod-openapi";
import { ErrorSchema } from "./common.ts";

/** What a provider's webhook gets back once the event is processed (or recognised as a repeat). */
export const WebhookAck = z
  .object({
    ok: z.literal(true),
    duplicate: z.boolean(),
    notificationId: z.string().nullable(),
    result: z.string().openapi({ example: "updated" }),
  })
  .openapi("WebhookAck", {
    example: {
      ok: true,
      duplicate: false,
      notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
      result: "updated",
    },
  });

/** The answers of a signed provider webhook: processed, or refused for its signature. */
export const webhookResponses = {
  200: {
    description: "Processed (or a duplicate)",
    content: { "application/json": { schema: WebhookAck } },
  },
  400: {
    description: "Signed correctly, but the body is not what the provider sends (not JSON)",
    content: { "application/json": { schema: ErrorSchema } },
  },
  401: {
    description: "Bad or missing signature",
    content: { "application/json": { schema: ErrorSchema } },
  },
  413: {
    description: "Body larger than MAX_BODY_BYTES",
    content: { "application/json": { schema: ErrorSchema } },
  },
  503: {
    description:
      "Not processed, retry later: the database is unreachable, or the message is not recorded as sent yet " +
      "(a callback that overtook the worker's record). The delivery id is not kept, so a retry is processed.",
    content: { "application/json": { schema: ErrorSchema } },
  },
} as const;
