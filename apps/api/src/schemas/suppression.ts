import { normalizeAddress, SUPPRESSION_KINDS, type SuppressionRow } from "@herald/db";
import { z } from "@hono/zod-openapi";
import { ErrorSchema, jsonResponse, Timestamp } from "./common.ts";
import { exampleIds } from "./examples.ts";
import { findUnstorableStrings } from "./storable-values.ts";

/** The channels whose addresses can be suppressed: push and in-app have no address of the user's. */
export const SuppressionChannel = z
  .enum(["email", "sms"], {
    // Push is where people look first: say what to do instead.
    error:
      "must be email or sms: a push device is not suppressed but removed (DELETE /v1/users/{userId}/devices/{deviceId}), and in-app has no address",
  })
  .openapi({
    example: "email",
    description:
      "`email` or `sms`: the channels with an address. Push has none to suppress: a device that should get " +
      "nothing is removed (`DELETE /v1/users/{userId}/devices/{deviceId}`), as Herald removes one its push " +
      "service reports gone; in-app goes to Herald's own inbox.",
  });

export const exampleEmailSuppression = {
  channel: "email" as const,
  reason: "bounced" as const,
  provider: "resend",
  notificationId: exampleIds.notification,
  detail: null,
  note: null,
  suppressedBy: null,
  createdAt: "2026-11-24T09:00:03.000Z",
  updatedAt: "2026-11-24T09:00:03.000Z",
};

export const exampleSmsSuppression = {
  channel: "sms" as const,
  reason: "bounced" as const,
  provider: "twilio",
  notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v41",
  detail: { errorCode: "21610", stage: "send" },
  note: null,
  suppressedBy: null,
  createdAt: "2026-11-20T18:31:00.000Z",
  updatedAt: "2026-11-22T08:15:00.000Z",
};

export const exampleManualSuppression = {
  channel: "sms" as const,
  reason: "manual" as const,
  provider: null,
  notificationId: null,
  detail: null,
  note: "The number belongs to someone else now (ticket 4821)",
  suppressedBy: { via: "dashboard" as const, id: "adm_01jd8q3k5m6n7p8q9r0s1t2v40", name: "sam@example.com" },
  createdAt: "2026-11-25T14:02:11.000Z",
  updatedAt: "2026-11-25T14:02:11.000Z",
};

export const SuppressionSchema = z
  .object({
    channel: SuppressionChannel,
    reason: z.enum(SUPPRESSION_KINDS).openapi({
      description:
        "`bounced`: the mailbox bounced for good, or Twilio refuses the number for good (it replied STOP, is " +
        "invalid, unreachable or not a mobile number); `complained`: the recipient reported a message as spam (the strongest reason: a " +
        "later bounce does not replace it, and lifting it takes `force`); `manual`: added by an operator " +
        "(`note` and `suppressedBy` say why and who; a later bounce does not replace it, a complaint does).",
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
    note: z.string().nullable().openapi({
      example: exampleManualSuppression.note,
      description: "Why it was added by hand, in the operator's words; null for the providers' suppressions",
    }),
    suppressedBy: z
      .object({
        via: z.enum(["api_key", "dashboard"]),
        id: z
          .string()
          .openapi({ description: "The API key's id (`key_…`) or the dashboard account's (`adm_…`)" }),
        name: z
          .string()
          .openapi({ description: "The key's name or the account's e-mail address, as they were then" }),
      })
      .nullable()
      .openapi({
        example: exampleManualSuppression.suppressedBy,
        description:
          "Who added it by hand (an API key, or a dashboard account); null for the providers' suppressions",
      }),
    createdAt: Timestamp.openapi({ description: "Suppressed since" }),
    updatedAt: Timestamp.openapi({ description: "Last reported (a repeated bounce refreshes it)" }),
  })
  .openapi("Suppression", { example: exampleEmailSuppression });

export const SuppressionListSchema = z
  .object({ data: z.array(SuppressionSchema) })
  .openapi("UserSuppressions", { example: { data: [exampleEmailSuppression, exampleSmsSuppression] } });

/** Longest note kept with a suppression added by hand. */
export const NOTE_MAX = 500;

const note = z
  .string()
  .trim()
  .max(NOTE_MAX)
  .refine((text) => findUnstorableStrings(text).length === 0, {
    message: "must not contain the NUL character or an unpaired UTF-16 surrogate",
  })
  .optional()
  .openapi({
    example: exampleManualSuppression.note,
    description:
      `Why, for whoever looks later (at most ${NOTE_MAX} characters; shown with the suppression). Not the ` +
      "address itself: the list keeps only a hash of it, and a note naming it is refused (422).",
  });

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

export const UserSuppressionAddSchema = z
  .object({ channel: SuppressionChannel, note })
  .strict()
  .openapi("UserSuppressionAdd", {
    example: { channel: "sms", note: exampleManualSuppression.note },
  });

export const SuppressionAddSchema = z
  .object({ ...addressFields, note })
  .strict()
  .superRefine(checkAddress)
  .openapi("SuppressionAdd", {
    example: { channel: "email", address: "ada@example.com", note: "Legal request: no messages (case 77)" },
  });

/** What `POST …/suppressions` answers: 201 when it added the address, 200 with the entry as it was when it already was suppressed. */
export const suppressionAddedResponses = {
  201: {
    description: "Suppressed now: the new `manual` entry",
    content: { "application/json": { schema: SuppressionSchema, example: exampleManualSuppression } },
  },
  200: {
    description:
      "Already suppressed: the entry as it is, unchanged (whatever its reason; a complaint stays a complaint)",
    content: { "application/json": { schema: SuppressionSchema, example: exampleEmailSuppression } },
  },
};

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
    note: r.note,
    suppressedBy: r.suppressedBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
