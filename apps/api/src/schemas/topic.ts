import { z } from "@hono/zod-openapi";
import { Timestamp, UserId } from "./common.ts";
import { refuseUnstorableStrings } from "./storable-values.ts";
import { UserWithId } from "./user.ts";

/** Lower-case letters and digits, then also `.`, `_`, `:` and `-`; at most 128 characters. */
export const TOPIC_KEY = /^[a-z0-9][a-z0-9._:-]{0,127}$/;

export const TopicKey = z
  .string()
  .regex(TOPIC_KEY, "must match [a-z0-9][a-z0-9._:-]{0,127}")
  .openapi({ example: "product-updates" });

export const TopicKeyParam = z.object({
  key: TopicKey.openapi({ param: { name: "key", in: "path" }, example: "product-updates" }),
});

export const SubscriberInput = z.union([
  UserId,
  UserWithId.openapi("TopicSubscriber", {
    example: { userId: "user_456", email: "grace@example.com", timezone: "America/New_York" },
  }),
]);

export const AddSubscribersSchema = z
  .object({ subscribers: z.array(SubscriberInput).min(1).max(1000) })
  .strict()
  // Contact data PostgreSQL would refuse (a NUL, a lone surrogate): a 422 naming it, not the INSERT's 400.
  .superRefine(refuseUnstorableStrings)
  .openapi("AddTopicSubscribers", {
    example: {
      subscribers: [
        "user_123",
        { userId: "user_456", email: "grace@example.com", timezone: "America/New_York" },
      ],
    },
  });

export const AddedSchema = z
  .object({
    topic: z.string(),
    added: z.number().int().openapi({ description: "Users not subscribed before this request" }),
  })
  .openapi("TopicSubscribersAdded", { example: { topic: "product-updates", added: 2 } });

export const RemoveSubscribersSchema = z
  .object({ userIds: z.array(UserId).min(1).max(1000) })
  .strict()
  .openapi("RemoveTopicSubscribers", { example: { userIds: ["user_456"] } });

export const RemovedSchema = z
  .object({ removed: z.number().int().openapi({ description: "Users that were subscribed" }) })
  .openapi("TopicSubscribersRemoved", { example: { removed: 1 } });

export const TopicSchema = z
  .object({
    key: z.string(),
    subscriberCount: z.number().int(),
    createdAt: Timestamp,
  })
  .openapi("Topic", {
    example: { key: "product-updates", subscriberCount: 2, createdAt: "2026-11-24T09:00:00.000Z" },
  });

export const TopicPageSchema = z
  .object({ data: z.array(TopicSchema), nextCursor: z.string().nullable() })
  .openapi("TopicPage", {
    example: {
      data: [
        { key: "news.weekly", subscriberCount: 1840, createdAt: "2026-11-02T14:30:00.000Z" },
        { key: "product-updates", subscriberCount: 2, createdAt: "2026-11-24T09:00:00.000Z" },
      ],
      nextCursor: null,
    },
  });

/** `prefix` of `GET /v1/topics`: printable ASCII (a key is), taken literally. */
export const TopicPrefix = z
  .string()
  .max(128)
  .regex(/^[\x20-\x7e]*$/, "must be printable ASCII, as topic keys are")
  .optional()
  .openapi({
    example: "news.",
    description:
      "Only the topics whose key starts with this, character for character (`%` and `_` are no wildcards)",
  });

export const SubscriberPageSchema = z
  .object({
    data: z.array(z.object({ userId: z.string(), subscribedAt: Timestamp })),
    nextCursor: z.string().nullable(),
  })
  .openapi("TopicSubscriberPage", {
    example: {
      data: [
        { userId: "user_123", subscribedAt: "2026-11-24T09:00:00.000Z" },
        { userId: "user_456", subscribedAt: "2026-11-24T09:00:00.000Z" },
      ],
      nextCursor: null,
    },
  });

export const UserTopicPageSchema = z
  .object({
    data: z.array(
      z.object({
        topic: z.string().openapi({ example: "product-updates" }),
        subscribedAt: Timestamp.openapi({ example: "2026-11-24T09:00:00.000Z" }),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("UserTopicPage", {
    example: {
      data: [
        { topic: "product-updates", subscribedAt: "2026-11-24T09:00:00.000Z" },
        { topic: "news.weekly", subscribedAt: "2026-11-02T14:30:00.000Z" },
      ],
      nextCursor: null,
    },
  });
