import { ERROR_STATUS, type ErrorCode } from "@herald/errors";
import { z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).openapi({
        example: "invalid_data",
        description: "Stable across versions: branch on it, not on the message",
      }),
      message: z
        .string()
        .openapi({ example: "data.orderId: Invalid input: expected string, received undefined" }),
      requestId: z.string().openapi({ example: "req_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

/** A time Herald answers with: ISO 8601 in UTC, milliseconds included. */
export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-24T09:00:00.000Z" });

/** An OpenAPI response whose body is `schema` as JSON. */
export const jsonResponse = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const errorResponse = (description: string) => jsonResponse(ErrorSchema, description);

/** The error answers every authenticated route can give. */
export const commonErrors = {
  400: errorResponse("Malformed request (not JSON, bad cursor…)"),
  401: errorResponse("Missing or invalid API key"),
  403: errorResponse("The key lacks the scope this route needs"),
  413: errorResponse("Body too large"),
  415: errorResponse("A body that is not application/json"),
  422: errorResponse("A field does not match its schema"),
  429: errorResponse("Rate limited; see Retry-After"),
  503: errorResponse("Database or queue unavailable; retry later"),
} as const;

export const notFoundError = { 404: errorResponse("Not found") } as const;

/** What 401 and 403 mean on the routes a user token opens (the inbox, the user's preferences). */
export const userTokenErrors = {
  401: errorResponse(
    "No API key or user token, or a user token that expired or was revoked (the browser gets a new one from its backend)",
  ),
  403: errorResponse("Another user's token, or an API key without the scope this route needs"),
} as const;
export const conflictError = { 409: errorResponse("Conflict with the current state") } as const;

export const NotificationIdParam = z.object({
  notificationId: z
    .string()
    .max(64)
    .openapi({
      param: { name: "notificationId", in: "path" },
      example: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
      description: "A notification's id: `ntf_` and 26 base32 characters",
    }),
});

export const EventIdParam = z.object({
  eventId: z
    .string()
    .max(64)
    .openapi({
      param: { name: "eventId", in: "path" },
      example: "evt_01jd8q3k5m6n7p8q9r0s1t2v3w",
      description: "An event's id (`eventId` of `POST /v1/events`): `evt_` and 26 base32 characters",
    }),
});

/**
 * The user id rule for `/openapi.json`, where patterns are read without the
 * `u` flag (Swagger UI's "Try it out", generated validators): the BMP's
 * control and formatting characters (`\p{Cc}`, `\p{Cf}`) as escapes. The
 * generated one would be the `u` regex's source, which no id matches. The
 * server's own check (below) also covers the astral formatting characters.
 */
export const USER_ID_DOC_PATTERN =
  "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890-\\u0891\\u08E2\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB]*$";

/**
 * An app's user id, wherever one arrives. Invisible characters (bidi
 * overrides, zero-width spaces) would let two ids look alike in the dashboard
 * and the logs; `.` and `..` would be accepted in a body but collapsed out of
 * every `/v1/users/:userId` URL, leaving a user no route can read or erase.
 */
export const UserId = z
  .string()
  .min(1)
  .max(256)
  // `*`, not `+`: an empty id is min(1)'s to report, not this rule's.
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
  .regex(
    /^[^\p{Cf}]*$/u,
    "must not contain invisible formatting characters (bidi overrides, zero-width spaces)",
  )
  .refine((id) => id !== "." && id !== "..", 'must not be "." or ".." (URLs collapse them)')
  .openapi({
    example: "user_123",
    pattern: USER_ID_DOC_PATTERN,
    description:
      "The app's own id for the user (up to 256 characters, no control or invisible formatting characters), not Herald's `usr_…` id",
  });

export const UserIdParam = z.object({
  userId: UserId.openapi({ param: { name: "userId", in: "path" }, example: "user_123" }),
});

/** An `Idempotency-Key` header's value: what the client chose to name one request by. */
export const IdempotencyKeyValue = z.string().min(1).max(255);

export const PageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ example: 50, description: "Items per page, 1 to 200 (default 50)" }),
  cursor: z.string().max(200).optional().openapi({
    description: "`nextCursor` of the previous page",
    example: "bnRmXzAxamQ4cTNrNW02bjdwOHE5cjBzMXQydjN4",
  }),
};

/** `since` / `until` filters on a list's creation time, both inclusive. */
export const CreatedRangeQuery = {
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Created at or after", example: "2026-11-24T00:00:00Z" }),
  until: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Created at or before", example: "2026-11-25T00:00:00Z" }),
};

/**
 * Zone names found valid: building an `Intl.DateTimeFormat` costs ~60 µs, most
 * of a user's validation, which an import of 100,000 users repeats for a few
 * dozen names. Bounded, as the runtime takes any letter case ("EUROPE/paris").
 */
const knownTimeZones = new Set<string>();
const KNOWN_TIME_ZONES_MAX = 2000;

/** IANA zone names the runtime knows (`Europe/Paris`, `America/New_York`, `UTC`). */
export function isTimeZone(value: string): boolean {
  if (knownTimeZones.has(value)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
  } catch {
    return false;
  }
  if (knownTimeZones.size < KNOWN_TIME_ZONES_MAX) knownTimeZones.add(value);
  return true;
}

export const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, "must be an IANA time zone such as Europe/Paris");

/** E.164: `+` then 7 to 15 digits, no leading zero. */
export const PhoneE164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number such as +14155550100")
  .openapi({ example: "+14155550100" });

export const Locale = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a BCP 47 locale such as en-US")
  .openapi({ example: "en-US" });

export const isoDate = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);
