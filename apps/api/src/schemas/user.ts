import type { DeviceRow, RecipientRow } from "@herald/db";
import { webPushKeysProblem } from "@herald/domain";
import { z } from "@hono/zod-openapi";
import { isoDate, Locale, PhoneE164, Timestamp, TimeZone, UserId } from "./common.ts";
import { exampleDevice, exampleUser } from "./examples.ts";
import { refuseUnstorableStrings } from "./storable-values.ts";

/** Inline recipient data on an event, or the body of `PUT /v1/users/:userId`. Null clears a field. */
export const UserFields = z
  .object({
    email: z.email().max(320).nullable().optional().openapi({ example: "ada@example.com" }),
    phone: PhoneE164.nullable().optional(),
    locale: Locale.nullable().optional(),
    timezone: TimeZone.nullable().optional().openapi({ example: "Europe/London" }),
    properties: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ example: { name: "Ada" } }),
  })
  .strict()
  .openapi("UserFields", {
    example: {
      email: "ada@example.com",
      phone: "+14155550100",
      locale: "en-GB",
      timezone: "Europe/London",
      properties: { name: "Ada" },
    },
  });

/** The body of `PUT /v1/users/:userId`: {@link UserFields}, and nothing PostgreSQL would refuse (422 naming it). */
export const UserBody = UserFields.superRefine(refuseUnstorableStrings);

/** A user's id and fields: an item of `POST /v1/users/batch`, or a topic subscriber with contact data. */
export const UserWithId = UserFields.extend({ userId: UserId }).strict();

export const DeviceSchema = z
  .object({
    id: z.string().openapi({ example: "dev_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
    kind: z.enum(["webpush", "fcm", "apns"]),
    createdAt: Timestamp,
  })
  .openapi("Device", { example: exampleDevice });

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: "usr_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
    userId: z.string().openapi({ example: "user_123" }),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    devices: z.array(DeviceSchema),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    tokensRevokedAt: Timestamp.nullable().openapi({
      description:
        "When the user's inbox tokens were last revoked (`POST …/token/revoke`, or an erase of the id): the " +
        "plain token and those issued before it answer 401. Null: never.",
    }),
  })
  .openapi("User", { example: exampleUser });

export const NewDeviceSchema = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("webpush"),
      subscription: z.object({
        // Push services speak HTTPS (RFC 8030), and an http endpoint let the worker be
        // aimed at plain-text services (Redis, admin ports). Non-public hosts are refused by
        // the route (`checkPushEndpoint` in routes/users.ts): PUSH_ALLOW_PRIVATE_ENDPOINTS,
        // configuration the schema cannot see, may allow them.
        endpoint: z
          .url({ protocol: /^https$/, error: "must be an https URL (a push service endpoint)" })
          .max(2048)
          .openapi({
            description:
              "The push service's https URL. A host that is a loopback, private, link-local or other " +
              "non-public IP address, `localhost`, or a name only a local network resolves (a single label, " +
              "`.local`, `.internal`, `.home.arpa`) is refused (422) unless the server allows private " +
              "endpoints (`PUSH_ALLOW_PRIVATE_ENDPOINTS`).",
          }),
        keys: z
          .object({ p256dh: z.string().max(512), auth: z.string().max(256) })
          // Keys a push cannot be encrypted for would only fail every push to the user until DEAD.
          .superRefine((keys, ctx) => {
            const problem = webPushKeysProblem(keys);
            if (problem) ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
          }),
      }),
    }),
    z.object({ kind: z.enum(["fcm", "apns"]), token: z.string().min(8).max(4096) }),
  ])
  .openapi("NewDevice", {
    example: {
      kind: "webpush",
      subscription: {
        endpoint: "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24",
        keys: {
          p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
          auth: "tBHItJI5svbpez7KI4CCXg",
        },
      },
    },
  });

export function serializeDevice(d: DeviceRow) {
  return { id: d.id, kind: d.kind, createdAt: d.createdAt.toISOString() };
}

export function serializeUser(r: RecipientRow, devices: DeviceRow[]) {
  return {
    id: r.id,
    userId: r.externalId,
    email: r.email,
    phone: r.phone,
    locale: r.locale,
    timezone: r.timezone,
    properties: r.properties,
    devices: devices.map(serializeDevice),
    createdAt: r.createdAt.toISOString(),
    updatedAt: isoDate(r.updatedAt) ?? r.createdAt.toISOString(),
    tokensRevokedAt: isoDate(r.tokensValidFrom) ?? null,
  };
}
