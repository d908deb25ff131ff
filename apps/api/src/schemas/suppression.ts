import { normalizeAddress, SUPPRESSION_KINDS, type SuppressionRow } from "@herald/db";
import { z } from "@hono/zod-openapi";
import { ErrorSchema, jsonResponse, Timestamp } from "./common.ts";
import { exampleIds } from "./examples.ts";

/** The channels whose addresses can be suppressed: push and in-app have no address of the user's. */
export const SuppressionChannel = z.enum(["email", "sms"]).openapi({
  example: "email",
  description: "`email` or `sms`: the channels with an address (push and in-app have none to suppress)",
});

export const exampleEmailSuppression = {
  channel: "email" as const,
  reason: "bounced" as const,
  provider: "resend",
  notificationId: exampleIds.notification,
  detail: null,
  createdAt: "2026-11-24T09:00:03.000Z",
  updatedAt: "2026-11-24T09:00:03.000Z",
};

export const exampleSmsSuppression = {
  channel: "sms" as const,
  reason: "bounced" as const,
  provider: "twilio",
  notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v41",
  detail: { errorCode: "21610", stage: "send" },
  createdAt: "2026-11-20T18:31:00.000Z",
  updatedAt: "2026-11-22T08:15:00.000Z",
};

export const SuppressionSchema = z
  .object({
    channel: SuppressionChannel,
    reason: z.enum(SUPPRESSION_KINDS).openapi({
      description:
        "`bounced`: the mailbox bounced for good, or Twilio refuses the number for good (it replied STOP, is " +
        "invalid, unreachable or not a mobile number); `complained`: the recipient reported a message as spam (the strongest reason: a " +
        "later bounce does not replace it); `manual`: put there by an operator.",
    }),
    provider: z
      .string()
      .nullable()
      .openapi({ example: "resend", description: "Who reported it (`resend`, `twilio`…)" }),
    notificationId: z.string().nullable().openapi({
      example: exampleIds.notification,
      description: "The notification whose bounce or complaint suppressed the address, the latest if several",
    }),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "The provider's facts (error code, stage…), never the address" }),
    createdAt: Timestamp.openapi({ description: "Suppressed since" }),
    updatedAt: Timestamp.openapi({ description: "Last reported (a repeated bounce refreshes it)" }),
  })
  .openapi("Suppression", { example: exampleEmailSuppression });

export const SuppressionListSchema = z
  .object({ data: z.array(SuppressionSchema) })
  .openapi("UserSuppressions", { example: { data: [exampleEmailSuppression, exampleSmsSuppression] } });

/** What is wrong with `address` as an address on `channel`, once normalised as the suppression list keys it. */
function addressProblem(channel: "email" | "sms", address: string): string | null {
  const normal = normalizeAddress(channel, address);
  if (channel === "email")
    return z.email().safeParse(normal).success ? null : "must be an e-mail address such as ada@example.com";
  return /^\+[1-9]\d{6,14}$/.test(normal)
    ? null
    : "must be an E.164 phone number such as +14155550100 (spaces, dashes, dots and brackets are ignored)";
}

const addressFields = {
  channel: SuppressionChannel,
  address: z
    .string()
    .min(1)
    .max(320)
    .openapi({
      example: "ada@example.com",
      description:
        "The address as the provider or the user gives it: e-mail compares case-insensitively, phone numbers " +
        "without spaces, dashes, dots or brackets (the suppression list's own rule)",
    }),
};

const checkAddress = (body: { channel: "email" | "sms"; address: string }, ctx: z.RefinementCtx) => {
  const problem = addressProblem(body.channel, body.address);
  if (problem) ctx.addIssue({ code: "custom", path: ["address"], message: problem });
};

export const SuppressionLookupSchema = z
  .object(addressFields)
  .strict()
  .superRefine(checkAddress)
  .openapi("SuppressionLookup", { example: { channel: "email", address: "ada@example.com" } });

export const SuppressionLiftSchema = z
  .object({
    ...addressFields,
    force: z
      .boolean()
      .default(false)
      .openapi({
        description:
          "Needed (`true`) to lift a `complained` suppression: the recipient reported spam, and sending to them " +
          "again is the operator's responsibility. Default false: a complaint answers 409.",
      }),
  })
  .strict()
  .superRefine(checkAddress)
  .openapi("SuppressionLift", { example: { channel: "sms", address: "+1 415 555 0100", force: false } });

/** A lift refused because the address complained and the call did not force it. */
export const complaintError = {
  409: jsonResponse(ErrorSchema, "The address is suppressed for a spam complaint: lifting it needs `force`"),
} as const;

export function serializeSuppression(r: SuppressionRow) {
  return {
    // Only e-mail and SMS rows are ever written (`contactAddress`).
    channel: r.channel as "email" | "sms",
    reason: r.reason,
    provider: r.provider,
    notificationId: r.notificationId,
    detail: r.detail,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
