import { CATEGORIES as CATEGORY_MAP, CHANNELS, NOTIFICATION_STATUSES, PRIORITIES } from "@herald/domain";
import { z } from "@hono/zod-openapi";
import { Locale, Timestamp } from "./common.ts";
import { exampleIds } from "./examples.ts";
import { WebhookEndpointSchema } from "./webhook-endpoint.ts";

export const DashboardUserSchema = z
  .object({
    id: z.string().openapi({ example: "adm_01jd8q3k5m6n7p8q9r0s1t2v40" }),
    email: z.string().openapi({ example: "grace@example.com" }),
    role: z.enum(["admin", "support"]),
  })
  .openapi("DashboardUser");

export const SessionSchema = z
  .object({
    user: DashboardUserSchema,
    csrfToken: z
      .string()
      .openapi({ description: "Send it as `X-CSRF-Token` on every call that is not a GET (else 403)" }),
    expiresAt: Timestamp,
  })
  .openapi("DashboardSession", {
    example: {
      user: { id: "adm_01jd8q3k5m6n7p8q9r0s1t2v40", email: "grace@example.com", role: "support" },
      csrfToken: "q7m2kQm4c6bK0x1ZcXh2u7b9YpV1s3Tf",
      expiresAt: "2026-11-24T21:00:00.000Z",
    },
  });

export const LoginSchema = z
  .object({
    email: z.string().max(320).openapi({ example: "grace@example.com" }),
    password: z.string().min(1).max(1024).openapi({ example: "correct horse battery staple" }),
  })
  .strict()
  .openapi("DashboardLogin", {
    example: { email: "grace@example.com", password: "correct horse battery staple" },
  });

const QueueCounts = z.object({
  name: z.string(),
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  failed: z.number().int(),
  oldestWaitingAgeSeconds: z.number(),
});

const StatusWebhooksOverview = z
  .object({
    enabled: z.boolean().openapi({
      description:
        "Whether PostgreSQL records status changes (a maintenance worker has STATUS_WEBHOOK_URL set)",
    }),
    statuses: z
      .array(z.enum(NOTIFICATION_STATUSES))
      .openapi({ description: "Statuses reported; empty when off" }),
    waiting: z.number().int().openapi({ description: "Changes recorded and not yet delivered (or dropped)" }),
    waitingEstimated: z
      .boolean()
      .openapi({ description: "`waiting` is estimated from the changes' ids (more than 10,000 wait)" }),
    oldestAt: Timestamp.nullable().openapi({ description: "When the oldest waiting change was recorded" }),
    oldestAgeSeconds: z.number().openapi({ description: "Its age (0 when none waits)" }),
    totals: z
      .object({
        delivered: z.number().int().openapi({ description: "Changes the receiver took (2xx)" }),
        failed: z.number().int().openapi({ description: "POSTs refused, unanswered or unreachable" }),
        expired: z.number().int().openapi({ description: "Changes dropped after STATUS_WEBHOOK_MAX_AGE" }),
        rejected: z.number().int().openapi({
          description:
            "Changes dropped because their endpoint refused them alone (400, 413, 422) STATUS_WEBHOOK_SPLIT_AFTER times",
        }),
      })
      .nullable()
      .openapi({
        description: "Counted by the workers since Redis was last emptied; null when Redis did not answer",
      }),
    retrying: z
      .object({
        batchId: z.string().openapi({ description: "Its `webhook-id`" }),
        attempts: z.number().int().openapi({ description: "Failed attempts so far" }),
        rejections: z.number().int().openapi({
          description:
            "How many of the last attempts in a row the receiver refused for the body (400, 413, 422): past STATUS_WEBHOOK_SPLIT_AFTER the batch is split until the refused change is dropped; 0 when the last failure was of another kind",
        }),
        since: Timestamp.openapi({ description: "When its first attempt began" }),
        nextAttemptAt: Timestamp,
        lastError: z.string().nullable().openapi({
          description: "Why the last attempt failed (`answered 503`, `unreachable: ECONNREFUSED`)",
        }),
        lastAttemptAt: Timestamp.nullable(),
      })
      .nullable()
      .openapi({
        description: "The batch being retried: the receiver is failing; later changes wait behind it",
      }),
    endpoints: z.array(WebhookEndpointSchema.omit({ url: true })).openapi({
      description:
        "Every endpoint (STATUS_WEBHOOK_URL's `whe_env` first while set or while changes wait for it), with its backlog and health; the fields above are `whe_env`'s",
    }),
  })
  .openapi("DashboardStatusWebhooks");

export const OverviewSchema = z
  .object({
    queues: z.array(QueueCounts),
    queuesUnavailable: z.boolean().openapi({
      description:
        "True when Redis (the queue store) could not answer for one or more queues; those are missing from `queues`.",
    }),
    deadLetters: z.number().int(),
    activity: z.array(z.object({ at: Timestamp, sent: z.number().int(), failed: z.number().int() })),
    providers: z.array(
      z.object({
        channel: z.string(),
        provider: z.string(),
        sent: z.number().int(),
        failed: z.number().int(),
        errorRate: z.number(),
        lastError: z.string().nullable(),
        lastErrorAt: Timestamp.nullable(),
      }),
    ),
    statusWebhooks: StatusWebhooksOverview,
    generatedAt: Timestamp,
  })
  .openapi("DashboardOverview", {
    example: {
      queues: [{ name: "email", waiting: 3, active: 1, delayed: 0, failed: 2, oldestWaitingAgeSeconds: 0.4 }],
      queuesUnavailable: false,
      deadLetters: 2,
      activity: [{ at: "2026-11-24T09:00:00.000Z", sent: 120, failed: 1 }],
      providers: [
        {
          channel: "email",
          provider: "resend",
          sent: 120,
          failed: 1,
          errorRate: 0.0083,
          lastError: "resend 503: service unavailable",
          lastErrorAt: "2026-11-24T09:03:10.000Z",
        },
      ],
      statusWebhooks: {
        enabled: true,
        statuses: ["SENT", "DELIVERED", "READ", "FAILED", "DEAD"],
        waiting: 1240,
        waitingEstimated: false,
        oldestAt: "2026-11-24T08:41:12.000Z",
        oldestAgeSeconds: 1428,
        totals: { delivered: 51200, failed: 9, expired: 0, rejected: 0 },
        retrying: {
          batchId: "swb_01jd8q3k5m6n7p8q9r0s1t2v3w",
          attempts: 9,
          rejections: 0,
          since: "2026-11-24T08:41:12.300Z",
          nextAttemptAt: "2026-11-24T09:07:10.000Z",
          lastError: "answered 503",
          lastAttemptAt: "2026-11-24T09:02:10.000Z",
        },
        endpoints: [],
      },
      generatedAt: "2026-11-24T09:05:00.000Z",
    },
  });

export const UserSearchSchema = z
  .object({
    data: z.array(
      z.object({
        userId: z.string(),
        id: z.string(),
        email: z.string().nullable(),
        phone: z.string().nullable(),
        timezone: z.string().nullable(),
        updatedAt: Timestamp,
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("DashboardUserSearch", {
    example: {
      data: [
        {
          userId: "user_123",
          id: exampleIds.recipient,
          email: "ada@example.com",
          phone: "+14155550100",
          timezone: "Europe/London",
          updatedAt: "2026-11-24T09:00:00.000Z",
        },
      ],
      nextCursor: null,
    },
  });

const Rendered = z.record(z.string(), z.unknown());

const DigestRules = z
  .object({
    never: z.boolean().openapi({
      description:
        "Never folded into a digest, whatever the user's digest mode: critical, of a required category, or its rules say so",
    }),
    summary: z
      .boolean()
      .openapi({ description: "Has a summary of its own for digests (else its in-app or push text)" }),
    collapse: z.object({ atLeast: z.number().int(), show: z.number().int() }).nullable().openapi({
      description: "From `atLeast` items in one digest, they show as one entry naming the first `show`",
    }),
  })
  .openapi("DashboardDigestRules", {
    description: "How the type takes part in digests, from its catalog entry and priority",
  });

const EscalationRules = z
  .object({
    after: z
      .string()
      .openapi({ description: "How long the other channels have to be read first", example: "1h" }),
    channels: z
      .array(z.enum(CHANNELS))
      .openapi({ description: "The channels held back", example: ["email"] }),
  })
  .nullable()
  .openapi("DashboardEscalation", {
    description:
      "Channels sent only if the type's others went unread for `after` (else SUPPRESSED `read_elsewhere`); null: every channel goes at once",
  });

const Conditions = z
  .array(
    z.object({
      channel: z.enum(["all", ...CHANNELS]).openapi({
        description: "The channel the condition is for; `all`: every channel of the type",
        example: "sms",
      }),
      description: z.string().openapi({
        description: "What the condition says, in the catalog's words",
        example: "orders of 100 or more",
      }),
    }),
  )
  .openapi("DashboardConditions", {
    description:
      "The type's conditions (its catalog entry's `conditions`, code shown by their descriptions), `all` first: a channel goes only when its condition and `all` hold, else it is skipped as `condition` (`condition_error` when the condition threw). Empty: every channel is sent",
  });

export const TemplateListSchema = z
  .object({
    data: z.array(
      z.object({
        type: z.string(),
        description: z.string(),
        category: z.enum(Object.keys(CATEGORY_MAP) as [string, ...string[]]),
        priority: z.enum(PRIORITIES),
        channels: z.array(z.enum(CHANNELS)),
        example: z.unknown(),
        rendered: z.record(z.string(), Rendered).openapi({
          description:
            "Each channel rendered with the example data for `locale`: in the translation that locale picks, which the content's `language` names (absent: the default English templates)",
        }),
        languages: z.array(z.string()).openapi({
          description:
            "The languages the type is written in: `en` (its default templates), then its translations' tags",
          example: ["en", "de", "fr"],
        }),
        digest: DigestRules,
        escalation: EscalationRules,
        conditions: Conditions,
      }),
    ),
    locale: z
      .string()
      .openapi({ description: "The locale the previews were rendered for", example: "en-US" }),
    languages: z.array(z.string()).openapi({
      description: "Every language of the catalog (`en` first): what a preview can be asked in",
      example: ["en", "de", "fr"],
    }),
  })
  .openapi("DashboardTemplates", {
    example: {
      data: [
        {
          type: "password_reset",
          description: "A link to choose a new password",
          category: "security",
          priority: "critical",
          channels: ["email", "sms"],
          example: { resetUrl: "https://example.com/reset/abc", expiresInMinutes: 30 },
          rendered: { sms: { channel: "sms", text: "Reset your password: https://example.com/reset/abc" } },
          languages: ["en", "de", "fr"],
          digest: { never: true, summary: false, collapse: null },
          escalation: null,
          conditions: [],
        },
      ],
      locale: "en-US",
      languages: ["en", "de", "fr"],
    },
  });

export const TemplateListQuery = z.object({
  locale: Locale.optional().openapi({
    description:
      "Render the previews for this recipient locale (BCP 47): its exact tag's translation, else its language's, else English. Default `en-US`",
    example: "de-DE",
  }),
});

export const SendTestSchema = z
  .object({
    userId: z.string().min(1).max(256).openapi({ example: "user_123" }),
    channels: z
      .array(z.enum(CHANNELS))
      .min(1)
      .optional()
      .openapi({ example: ["email"] }),
  })
  .strict()
  .openapi("DashboardSendTest", { example: { userId: "user_123", channels: ["email"] } });

export const OutboxListSchema = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        notificationId: z.string(),
        channel: z.string(),
        destination: z.string(),
        content: Rendered,
        createdAt: Timestamp,
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("DashboardOutbox", {
    example: {
      data: [
        {
          id: "obx_01jd8q3k5m6n7p8q9r0s1t2v41",
          notificationId: exampleIds.notification,
          channel: "sms",
          destination: "+14155550100",
          content: { channel: "sms", text: "Order A-1042 confirmed: 59.90 EUR" },
          createdAt: "2026-11-24T09:00:00.480Z",
        },
      ],
      nextCursor: null,
    },
  });
