import type { DeviceRow, ExportNotification, RecipientRow, SuppressionRow } from "@herald/db";
import { z } from "@hono/zod-openapi";
import { isoDate, Timestamp } from "./common.ts";
import { EventSchema } from "./event.ts";
import {
  exampleDevice,
  exampleEvent,
  exampleNotification,
  examplePreferences,
  exampleTimeline,
  exampleUser,
} from "./examples.ts";
import { NotificationWithTimelineSchema, serializeNotification, serializeTimeline } from "./notification.ts";
import { PreferencesSchema } from "./preferences.ts";
import { exampleSchedule, ScheduleSchema } from "./schedule.ts";
import { exampleEmailSuppression, SuppressionSchema, serializeSuppression } from "./suppression.ts";

/** Characters of an FCM or APNs token an export shows: enough to tell the user's devices apart. */
export const TOKEN_END_CHARS = 6;

const ExportDeviceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["webpush", "fcm", "apns"]),
    origin: z.string().optional().openapi({
      description: "Web push: the push service's origin only; the endpoint itself is a credential",
      example: "https://fcm.googleapis.com",
    }),
    tokenEnd: z
      .string()
      .optional()
      .openapi({
        description: `FCM and APNs: the token's last ${TOKEN_END_CHARS} characters only; the token is a credential`,
        example: "a41f9c",
      }),
    createdAt: Timestamp,
    lastSeenAt: Timestamp.optional(),
  })
  .openapi("ExportDevice");

const ExportUserSchema = z
  .object({
    userId: z.string(),
    id: z.string().openapi({ description: "Herald's id for the user (`usr_…`)" }),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("ExportUser");

const ExportSuppressionSchema = SuppressionSchema.omit({ suppressedBy: true }).openapi("ExportSuppression");

const ExportEventSchema = EventSchema.omit({ notifications: true, fanout: true, topic: true }).openapi(
  "ExportEvent",
);

const { notifications: _, ...exampleEventItem } = exampleEvent;
const { suppressedBy: __, ...exampleSuppressionItem } = exampleEmailSuppression;
const { devices: ___, tokensRevokedAt: ____, ...exampleUserItem } = exampleUser;

export const UserExportSchema = z
  .object({
    exportedAt: Timestamp,
    user: ExportUserSchema,
    preferences: PreferencesSchema,
    devices: z.array(ExportDeviceSchema),
    topics: z
      .array(z.object({ key: z.string(), subscribedAt: Timestamp }))
      .openapi({ description: "The topics the user is subscribed to, newest subscription first" }),
    suppressions: z.array(ExportSuppressionSchema).openapi({
      description: "The suppression list entries of the user's current e-mail address and phone number",
    }),
    schedules: z
      .array(ScheduleSchema)
      .openapi({ description: "The user's recurring schedules, newest first, with their data" }),
    events: z.array(ExportEventSchema).openapi({
      description:
        "The events triggered for this user, oldest first, with their data. Topic events are the app's broadcast: " +
        "their data is not here, the notifications they made for the user are",
    }),
    notifications: z.array(NotificationWithTimelineSchema).openapi({
      description: "Every notification to the user, oldest first, with its rendered content and timeline",
    }),
  })
  .openapi("UserExport", {
    example: {
      exportedAt: "2026-11-25T10:00:00.000Z",
      user: exampleUserItem,
      preferences: examplePreferences,
      devices: [{ ...exampleDevice, origin: "https://fcm.googleapis.com" }],
      topics: [{ key: "news.weekly", subscribedAt: "2026-11-21T08:00:00.000Z" }],
      suppressions: [exampleSuppressionItem],
      schedules: [exampleSchedule],
      events: [exampleEventItem],
      notifications: [{ ...exampleNotification, timeline: exampleTimeline }],
    },
  });

/** A device as an export shows it: never the endpoint or token (credentials), only enough to recognise it. */
export function exportDevice(d: DeviceRow) {
  let origin: string | undefined;
  if (d.kind === "webpush") {
    try {
      origin = new URL(d.address).origin;
    } catch {
      // Endpoints are checked URLs when registered; a row that is not one shows none.
    }
  }
  return {
    id: d.id,
    kind: d.kind,
    ...(origin ? { origin } : {}),
    ...(d.kind !== "webpush" ? { tokenEnd: d.address.slice(-TOKEN_END_CHARS) } : {}),
    createdAt: d.createdAt.toISOString(),
    ...(d.lastSeenAt ? { lastSeenAt: d.lastSeenAt.toISOString() } : {}),
  };
}

export function exportUser(r: RecipientRow) {
  return {
    userId: r.externalId,
    id: r.id,
    email: r.email,
    phone: r.phone,
    locale: r.locale,
    timezone: r.timezone,
    properties: r.properties,
    createdAt: r.createdAt.toISOString(),
    updatedAt: isoDate(r.updatedAt) ?? r.createdAt.toISOString(),
  };
}

/** A suppression as the user sees it: without `suppressedBy` (the operator's account, not the user's data). */
export function exportSuppression(s: SuppressionRow) {
  const { suppressedBy: _, ...rest } = serializeSuppression(s);
  return rest;
}

/** `sees`: whether the caller may see a secret message's content (`seesSecrets`). */
export function exportNotification(n: ExportNotification, sees: boolean) {
  return { ...serializeNotification(n, sees), timeline: serializeTimeline(n.timeline) };
}
