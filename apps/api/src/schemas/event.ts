import type { EventRow } from "@herald/db";
import { CHANNELS, PRIORITIES } from "@herald/domain";
import { z } from "@hono/zod-openapi";
import { hidesEventData } from "../services/secret-content.ts";
import { Timestamp, UserId } from "./common.ts";
import { exampleEvent, exampleIds, exampleOrderData } from "./examples.ts";
import { NotificationSchema } from "./notification.ts";
import { refuseUnstorableStrings, STORABLE_YEARS, StorableDateTime } from "./storable-values.ts";
import { TopicKey } from "./topic.ts";
import { UserFields } from "./user.ts";

export const EventRequestSchema = z
  .object({
    type: z.string().min(1).max(100).openapi({ example: "order_placed" }),
    userId: UserId.optional().openapi({
      example: "user_123",
      description: "The recipient. Exactly one of `userId` and `topic`.",
    }),
    topic: TopicKey.optional().openapi({
      description: "Send to every subscriber of this topic instead of one user (no inline `user` then).",
    }),
    data: z.record(z.string(), z.unknown()).openapi({ example: exampleOrderData }),
    idempotencyKey: z.string().min(1).max(255).optional().openapi({
      example: "order-A-1042-placed",
      description:
        "A repeat with the same key answers the first event and creates nothing (also the `Idempotency-Key` header).",
    }),
    priority: z.enum(PRIORITIES).optional().openapi({
      description:
        "Overrides the type's priority (its place in the queues); `critical` goes ahead of everything else and skips digests, frequency caps and quiet hours. A critical type (`password_reset`) stays critical whatever this says.",
    }),
    sendAt: StorableDateTime.optional().openapi({
      example: "2026-12-01T09:00:00Z",
      description: `Hold the notifications as SCHEDULED until this time: ISO 8601 with an offset, in the ${STORABLE_YEARS}.`,
    }),
    channels: z.array(z.enum(CHANNELS)).min(1).max(4).optional().openapi({
      description: "Only these of the type's channels (each must be one of the type's: else 422).",
    }),
    dedupKey: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({
        description:
          "Events of one user and type with the same key within `DEDUP_WINDOW` (10 min) make one notification; the " +
          "rest are SUPPRESSED `duplicate`. Not an idempotency key: every such event is recorded.",
      }),
    user: UserFields.optional().openapi({
      description:
        "The recipient's contact details, upserted with the event. Needs the `users:write` scope too; an erased " +
        "user id stays erased (`PUT /v1/users/{userId}` creates it again).",
    }),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.userId === undefined) === (e.topic === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [e.userId === undefined ? "userId" : "topic"],
        message: "exactly one of userId and topic is required",
      });
    }
    if (e.topic !== undefined && e.user !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["user"],
        message: "inline user data is not allowed with topic; subscribe users with their data instead",
      });
    }
    // The whole event, single or a batch's item: PostgreSQL would refuse the INSERT, and with it the batch.
    refuseUnstorableStrings(e, ctx);
  })
  .openapi("EventRequest", {
    description:
      "No string of the event, keys included, may hold a NUL character or an unpaired UTF-16 surrogate: they " +
      "cannot be stored (422 naming the field).",
    example: {
      type: "order_placed",
      userId: "user_123",
      data: exampleOrderData,
      idempotencyKey: "order-A-1042-placed",
      user: { email: "ada@example.com", timezone: "Europe/London" },
    },
  });

export type EventRequest = z.infer<typeof EventRequestSchema>;

export const EventAcceptedSchema = z
  .object({ eventId: z.string().openapi({ example: exampleIds.event }) })
  .openapi("EventAccepted", { example: { eventId: exampleIds.event } });

export const BatchRequestSchema = z
  .object({ events: z.array(z.unknown()).min(1).max(1000) })
  .strict()
  .openapi("EventBatchRequest", {
    example: {
      events: [
        {
          type: "order_placed",
          userId: "user_123",
          data: exampleOrderData,
          idempotencyKey: "order-A-1042-placed",
        },
        {
          type: "weekly_promo",
          userId: "user_456",
          data: { headline: "Autumn sale", body: "20% off linen", ctaUrl: "https://shop.example.com/sale" },
        },
      ],
    },
  });

/** Why one item of a batch was refused: the SPEC error body's fields, without the request's id. */
export const BatchItemError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const BatchResultSchema = z
  .object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int().openapi({ description: "202 accepted, or the error's HTTP status" }),
        eventId: z.string().optional(),
        error: BatchItemError.optional(),
      }),
    ),
  })
  .openapi("EventBatchResult", {
    example: {
      accepted: 1,
      rejected: 1,
      results: [
        { index: 0, status: 202, eventId: exampleIds.event },
        {
          index: 1,
          status: 422,
          error: {
            code: "invalid_data",
            message: "Data does not match weekly_promo: data.ctaUrl: must be an http or https URL",
            details: [{ path: "data.ctaUrl", message: "must be an http or https URL" }],
          },
        },
      ],
    },
  });

export const FanoutSchema = z
  .object({
    pages: z.number().int().openapi({ description: "Pages the audience was split into (0 until planned)" }),
    pagesDone: z.number().int(),
    recipients: z.number().int().openapi({ description: "Subscribers routed so far" }),
    notifications: z.number().int().openapi({ description: "Notifications created so far" }),
    skipped: z.record(z.string(), z.number().int()).openapi({
      description:
        "Subscriber channels that got no notification, by reason (as `suppressed`: `condition`, `opted_out`, `unreachable`…)",
    }),
  })
  .openapi("Fanout", {
    example: { pages: 3, pagesDone: 3, recipients: 2500, notifications: 2499, skipped: { opted_out: 1 } },
  });

export const EventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    userId: z.string().optional(),
    topic: z.string().optional(),
    data: z.record(z.string(), z.unknown()),
    dataHidden: z.literal(true).optional().openapi({
      description:
        "Set, with `data` empty, for a support session reading a `security` event (reset links, codes)",
    }),
    priority: z.enum(PRIORITIES),
    status: z.enum(["accepted", "routed", "failed", "canceled"]).openapi({
      description:
        "`accepted` (not routed yet), `routed`, `failed` (routing failed for good, see `error`), or `canceled` by `DELETE /v1/events/{eventId}` (whatever routing had done: the notifications say what went out)",
    }),
    sendAt: Timestamp.optional(),
    channels: z.array(z.enum(CHANNELS)).optional(),
    suppressed: z.array(z.object({ channel: z.string(), reason: z.string() })).openapi({
      description:
        "Channels of the type that got no notification, and why: `erased`, `condition` (the type's catalog condition for the channel was false for this event and user), `condition_error` (that condition threw), `opted_out`, `unsubscribed`, `unreachable`; one reason per channel, the first that applies in that order",
      example: [{ channel: "sms", reason: "opted_out" }],
    }),
    error: z.string().optional(),
    createdAt: Timestamp,
    routedAt: Timestamp.optional(),
    canceledAt: Timestamp.optional().openapi({ description: "When it was first canceled" }),
    fanout: FanoutSchema.optional(),
    notifications: z.array(NotificationSchema).openapi({
      description: "For a topic event, the first 10 only: page through `GET /v1/notifications?eventId=`",
    }),
  })
  .openapi("Event", { example: exampleEvent });

/** `sees`: whether the caller may see a secret event's data (`seesSecrets`). */
export function serializeEvent(e: EventRow, sees: boolean) {
  const hidden = hidesEventData(e.type, sees);
  return {
    id: e.id,
    type: e.type,
    ...(e.userId ? { userId: e.userId } : {}),
    ...(e.topic ? { topic: e.topic } : {}),
    data: hidden ? {} : e.data,
    ...(hidden ? { dataHidden: true as const } : {}),
    priority: e.priority as (typeof PRIORITIES)[number],
    // Canceled wins: it is what the app asked for last, and `routedAt` still tells how far routing got.
    status: e.canceledAt ? ("canceled" as const) : e.status,
    ...(e.sendAt ? { sendAt: e.sendAt.toISOString() } : {}),
    ...(e.channels ? { channels: e.channels as (typeof CHANNELS)[number][] } : {}),
    suppressed: e.suppressed,
    ...(e.error ? { error: e.error } : {}),
    createdAt: e.createdAt.toISOString(),
    ...(e.routedAt ? { routedAt: e.routedAt.toISOString() } : {}),
    ...(e.canceledAt ? { canceledAt: e.canceledAt.toISOString() } : {}),
  };
}
