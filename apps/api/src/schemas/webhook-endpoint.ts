import { DEFAULT_STATUS_WEBHOOK_STATUSES, NOTIFICATION_STATUSES } from "@herald/domain";
import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common.ts";

const Status = z.enum(NOTIFICATION_STATUSES);

const Statuses = z
  .array(Status)
  .min(1, "name at least one status (disable the endpoint to stop it)")
  .max(NOTIFICATION_STATUSES.length)
  .refine((s) => new Set(s).size === s.length, "statuses must not repeat")
  .openapi({ description: "The statuses reported to it", example: ["SENT", "DELIVERED", "FAILED", "DEAD"] });

const Url = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .max(2000)
  .openapi({
    description:
      "A host that is a loopback, private, link-local or other non-public IP address, `localhost`, or a name only a " +
      "local network resolves is refused (422) unless the server allows private endpoints (`WEBHOOK_ALLOW_PRIVATE_ENDPOINTS`). " +
      "Other names are judged by what they resolve to as the workers' POSTs and the test ping connect: public addresses only, unless allowed.",
    example: "https://orders.example.com/herald/statuses",
  });

const Description = z.string().trim().max(500).openapi({ example: "order-service (production)" });

const example = {
  id: "whe_01jd8q3k5m6n7p8q9r0s1t2v3w",
  source: "api" as const,
  url: "https://orders.example.com/herald/statuses",
  description: "order-service (production)",
  statuses: ["SENT", "DELIVERED", "FAILED", "DEAD"] as (typeof NOTIFICATION_STATUSES)[number][],
  enabled: true,
  createdAt: "2026-11-24T09:00:00.000Z",
  updatedAt: "2026-11-24T09:00:00.000Z",
  previousSecretValidUntil: null,
  delivery: {
    waiting: 1240,
    waitingEstimated: false,
    oldestAt: "2026-11-24T08:41:12.000Z",
    oldestAgeSeconds: 1428,
    lastSuccessAt: "2026-11-24T08:41:10.000Z",
    failingSince: "2026-11-24T08:41:12.300Z",
    lastError: "answered 503",
    failedAttempts: 9,
    nextAttemptAt: "2026-11-24T09:07:10.000Z",
    rejectedChanges: 1,
    lastRejection: "dropped change 81234 (ntf_01jd8q3k5m6n7p8q9r0s1t2v3x DELIVERED): answered 422 3 times",
    lastRejectedAt: "2026-11-23T17:02:41.000Z",
  },
};

export const WebhookEndpointSchema = z
  .object({
    id: z.string().openapi({ description: "`whe_…`; `whe_env` for STATUS_WEBHOOK_URL" }),
    source: z.enum(["api", "env"]).openapi({
      description:
        "`api`: managed here. `env`: STATUS_WEBHOOK_URL of the workers' environment, listed read-only (change it there)",
    }),
    url: z.string().openapi({ description: "Where changes are POSTed (for `env`, the URL's origin only)" }),
    description: z.string(),
    statuses: z.array(Status),
    enabled: z
      .boolean()
      .openapi({ description: "Disabled: nothing is recorded or sent; what waits is kept" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    previousSecretValidUntil: Timestamp.nullable().openapi({
      description: "After a rotation: until then POSTs carry a second signature, with the previous secret",
    }),
    delivery: z
      .object({
        waiting: z.number().int().openapi({ description: "Changes recorded for it and not yet delivered" }),
        waitingEstimated: z
          .boolean()
          .openapi({ description: "`waiting` is estimated from the changes' ids (more than 10,000 wait)" }),
        oldestAt: Timestamp.nullable().openapi({
          description: "When the oldest waiting change was recorded",
        }),
        oldestAgeSeconds: z.number().openapi({ description: "Its age (0 when none waits)" }),
        lastSuccessAt: Timestamp.nullable().openapi({
          description: "Last POST answered 2xx (null for `env`)",
        }),
        failingSince: Timestamp.nullable().openapi({
          description: "First failed POST since the last success",
        }),
        lastError: z
          .string()
          .nullable()
          .openapi({ description: "`answered 503`, `unreachable: ECONNREFUSED`…" }),
        failedAttempts: z.number().int().openapi({ description: "Failed POSTs since the last success" }),
        nextAttemptAt: Timestamp.nullable().openapi({ description: "When the refused batch is tried again" }),
        rejectedChanges: z
          .number()
          .int()
          .openapi({
            description:
              "Changes dropped because it refused them alone (400, 413, 422) STATUS_WEBHOOK_SPLIT_AFTER times in a row; " +
              "0 for `env` (not kept per endpoint: see the Overview's totals and the workers' log)",
          }),
        lastRejection: z.string().nullable().openapi({
          description: "The last of those and why; unlike `lastError`, kept after a success",
        }),
        lastRejectedAt: Timestamp.nullable(),
      })
      .openapi({ description: "Its backlog and health" }),
  })
  .openapi("WebhookEndpoint", { example });

const Secret = z.string().openapi({
  description: "`whsec_…`: verify its POSTs with it. Shown here only: on creation and rotation.",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({ secret: Secret }).openapi(
  "CreatedWebhookEndpoint",
  { example: { ...example, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } },
);

export const WebhookEndpointListSchema = z
  .object({ data: z.array(WebhookEndpointSchema), nextCursor: z.string().nullable() })
  .openapi("WebhookEndpointList", { example: { data: [example], nextCursor: null } });

export const NewWebhookEndpointSchema = z
  .object({
    url: Url,
    description: Description.default(""),
    statuses: Statuses.default([...DEFAULT_STATUS_WEBHOOK_STATUSES]).openapi({
      description:
        "The statuses reported to it. Default SENT, DELIVERED, READ, FAILED, DEAD, BOUNCED, COMPLAINED, SUPPRESSED, CANCELED",
    }),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi("NewWebhookEndpoint", {
    example: { url: example.url, description: example.description, statuses: example.statuses },
  });

export const WebhookEndpointPatchSchema = z
  .object({
    url: Url.optional(),
    description: Description.optional(),
    statuses: Statuses.optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, "change at least one of url, description, statuses, enabled")
  .openapi("WebhookEndpointPatch", { example: { statuses: ["DELIVERED", "READ"], enabled: false } });

export const WebhookTestResultSchema = z
  .object({
    ok: z.boolean().openapi({ description: "The receiver answered 2xx" }),
    status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Its HTTP status; null when it did not answer" }),
    durationMs: z.number().openapi({ description: "From sending to its answer (or the failure)" }),
    error: z.string().nullable().openapi({ description: "`answered 500`, `unreachable: ECONNREFUSED`…" }),
    webhookId: z.string().openapi({ description: "The ping's `webhook-id`" }),
  })
  .openapi("WebhookTestResult", {
    example: {
      ok: true,
      status: 204,
      durationMs: 42.5,
      error: null,
      webhookId: "whp_01jd8q3k5m6n7p8q9r0s1t2v3w",
    },
  });

export const WebhookEndpointIdParam = z.object({
  endpointId: z
    .string()
    .max(64)
    .openapi({ param: { name: "endpointId", in: "path" }, example: "whe_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
});
