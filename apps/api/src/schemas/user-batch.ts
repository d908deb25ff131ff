import { z } from "@hono/zod-openapi";
import { BatchItemError } from "./event.ts";
import { refuseUnstorableStrings } from "./storable-values.ts";
import { UserWithId } from "./user.ts";

/**
 * Users per `POST /v1/users/batch`, as for events and topic subscribers, so
 * one client chunking serves them all: a 1,000-row upsert is one statement
 * of a few tens of milliseconds, short enough that the row locks it holds
 * never keep an event's inline user update waiting for long, and 1,000 users
 * with a few properties each fit the batch routes' 8 MB body limit.
 */
export const USER_BATCH_MAX = 1000;

/**
 * One item: `userId` and exactly what `PUT /v1/users/{userId}` takes. Checked
 * item by item (the request schema takes any items), so one bad item fails
 * alone. A string PostgreSQL cannot store (NUL, an unpaired surrogate) fails
 * its item here rather than the whole statement.
 */
export const UserBatchItem = UserWithId.superRefine(refuseUnstorableStrings).openapi("UserBatchItem", {
  description:
    "`userId` and the fields of `PUT /v1/users/{userId}`: fields left out keep their value, null clears one.",
  example: { userId: "user_123", email: "ada@example.com", locale: "en-GB", timezone: "Europe/London" },
});

export const UserBatchRequestSchema = z
  .object({
    users: z
      .array(
        // Documented as the item (registered by the route); any value gets through to the per-item check.
        z.unknown().openapi({
          allOf: [{ $ref: "#/components/schemas/UserBatchItem" }],
          description:
            "Validated one by one: an invalid item is rejected in `results`, the others are written.",
        }),
      )
      .min(1)
      .max(USER_BATCH_MAX),
  })
  .strict()
  .openapi("UserBatchRequest", {
    example: {
      users: [
        { userId: "user_123", email: "ada@example.com", phone: "+14155550100", timezone: "Europe/London" },
        { userId: "user_456", email: "grace@example.com", locale: "en-US", properties: { plan: "pro" } },
      ],
    },
  });

export const UserBatchOutcome = z.enum(["created", "updated", "unchanged", "rejected"]).openapi({
  description:
    "`created`: new, or an erased user id started afresh; `updated`: a field changed; `unchanged`: every " +
    "field given already had that value (nothing written); `rejected`: invalid, see `error`.",
});

export const UserBatchResultSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int().openapi({ description: "The item's place in `users`, from 0" }),
        outcome: UserBatchOutcome,
        error: BatchItemError.optional(),
      }),
    ),
  })
  .openapi("UserBatchResult", {
    example: {
      created: 1,
      updated: 0,
      unchanged: 0,
      rejected: 1,
      results: [
        { index: 0, outcome: "created" },
        {
          index: 1,
          outcome: "rejected",
          error: {
            code: "validation_failed",
            message: "phone: must be an E.164 phone number such as +14155550100",
            details: [{ path: "phone", message: "must be an E.164 phone number such as +14155550100" }],
          },
        },
      ],
    },
  });

export type UserBatchResult = z.infer<typeof UserBatchResultSchema>;
