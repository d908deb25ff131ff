import type { NotificationRow, TimelineRow } from "@herald/db";
import {
  CHANNELS,
  FINAL_FAILURE_REASONS,
  NOTIFICATION_STATUSES,
  PRIORITIES,
  SUPPRESSION_REASONS,
} from "@herald/domain";
import { z } from "@hono/zod-openapi";
import { visibleContent } from "../services/secret-content.ts";
import { isoDate, Timestamp } from "./common.ts";
import { exampleNotification, exampleTimeline } from "./examples.ts";

const list = (reasons: readonly string[]) => reasons.map((r) => `\`${r}\``).join(", ");

export const NotificationSchema = z
  .object({
    id: z.string().openapi({ example: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
    eventId: z.string(),
    userId: z.string(),
    type: z.string().openapi({ example: "order_placed" }),
    category: z.string().openapi({ example: "transactional" }),
    channel: z.enum(CHANNELS),
    priority: z.enum(PRIORITIES),
    status: z.enum(NOTIFICATION_STATUSES),
    reason: z
      .string()
      .optional()
      .openapi({
        description: `Why it is where it is, when Herald records why: a SUPPRESSED one's (${list(SUPPRESSION_REASONS)}; \`read_elsewhere\`: held back by its type's escalation, and the user read the event on another channel first; \`erased\`, \`condition\` and \`condition_error\` are only ever an event's \`suppressed\` reasons, as no notification is made; \`not_opted_in\`: an opt-in category or channel, \`OPT_IN_CATEGORIES\`/\`OPT_IN_CHANNELS\`, the user never turned on), a SCHEDULED one's (\`quiet_hours\`; \`escalation\`: held back until the type's other channels had their time to be read), a FAILED one's for good (${list(FINAL_FAILURE_REASONS)}), an erase's CANCELED one (\`recipient_erased\`)`,
      }),
    provider: z.string().optional(),
    providerMessageId: z.string().optional(),
    pinnedProvider: z.string().optional().openapi({
      example: "resend",
      description:
        "Present when an earlier attempt may have left the message with this provider without it saying so (an ambiguous answer, or a worker stopped mid-request): every later attempt goes to this provider alone, with the same idempotency key, instead of failing over to the next one. Not hidden from support sessions: a provider name, no personal data",
    }),
    retryCount: z.number().int(),
    lastError: z.string().optional(),
    content: z.record(z.string(), z.unknown()).openapi({
      description:
        "The rendered message. `language` (optional) names the translation it was written in, e.g. `de`; absent, the type's default (English) templates were used. For a support session, a `security` message keeps only `channel`, `subject` or `title`, and `hidden` (why)",
    }),
    createdAt: Timestamp,
    scheduledAt: Timestamp.optional(),
    sentAt: Timestamp.optional(),
    deliveredAt: Timestamp.optional(),
    readAt: Timestamp.optional(),
    clickedAt: Timestamp.optional(),
  })
  .openapi("Notification", { example: exampleNotification });

export const TimelineEntrySchema = z
  .object({
    status: z.enum(NOTIFICATION_STATUSES),
    at: Timestamp,
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("TimelineEntry");

export const NotificationWithTimelineSchema = NotificationSchema.extend({
  timeline: z.array(TimelineEntrySchema),
}).openapi("NotificationWithTimeline", { example: { ...exampleNotification, timeline: exampleTimeline } });

/** `sees`: whether the caller may see a secret category's content (`seesSecrets`). */
export function serializeNotification(n: NotificationRow, sees: boolean) {
  return {
    id: n.id,
    eventId: n.eventId,
    userId: n.userId,
    type: n.type,
    category: n.category,
    channel: n.channel,
    priority: n.priority,
    status: n.status,
    ...(n.reason ? { reason: n.reason } : {}),
    ...(n.provider ? { provider: n.provider } : {}),
    ...(n.providerMessageId ? { providerMessageId: n.providerMessageId } : {}),
    ...(n.ambiguousProvider ? { pinnedProvider: n.ambiguousProvider } : {}),
    retryCount: n.retryCount,
    ...(n.lastError ? { lastError: n.lastError } : {}),
    content: visibleContent(n.content as Record<string, unknown>, n.category, sees),
    createdAt: n.createdAt.toISOString(),
    ...(n.scheduledAt ? { scheduledAt: isoDate(n.scheduledAt) } : {}),
    ...(n.sentAt ? { sentAt: isoDate(n.sentAt) } : {}),
    ...(n.deliveredAt ? { deliveredAt: isoDate(n.deliveredAt) } : {}),
    ...(n.readAt ? { readAt: isoDate(n.readAt) } : {}),
    ...(n.clickedAt ? { clickedAt: isoDate(n.clickedAt) } : {}),
  };
}

export function serializeTimeline(rows: TimelineRow[]) {
  return rows.map((t) => ({ status: t.status, at: t.at.toISOString(), detail: t.detail ?? null }));
}
