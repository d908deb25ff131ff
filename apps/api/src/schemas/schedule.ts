import type { ScheduleRow, ScheduleRun } from "@herald/db";
import { CHANNELS, PRIORITIES } from "@herald/domain";
import { FREQUENCIES, MAX_INTERVAL, ruleProblems, WEEKDAY_NAMES } from "@herald/recurrence";
import { z } from "@hono/zod-openapi";
import { hidesEventData } from "../services/secret-content.ts";
import { Timestamp, UserId } from "./common.ts";
import { exampleIds } from "./examples.ts";
import { refuseUnstorableStrings, STORABLE_YEARS, StorableDateTime } from "./storable-values.ts";
import { TopicKey } from "./topic.ts";
import { UserFields } from "./user.ts";

const examplePromo = {
  headline: "This week's picks",
  body: "Three new linen shirts",
  ctaUrl: "https://shop.example.com/picks",
};

/** A wall-clock time, not an instant: `at` of a rule is read in the rule's zone. */
export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const exampleRule = { frequency: "weekly" as const, days: ["mon" as const], at: "09:00" };

export const RepeatSchema = z
  .object({
    frequency: z.enum(FREQUENCIES),
    interval: z.number().int().min(1).max(MAX_INTERVAL).optional().openapi({
      description:
        "Every `interval` hours/days/weeks/months, counted from `startsAt` (else the creation). Default 1.",
    }),
    at: z.string().regex(CLOCK_TIME, "must be a time HH:MM (00:00–23:59)").optional().openapi({
      example: "09:00",
      description:
        "Local time `HH:MM` (not hourly). Default: the local time of `startsAt` (else of the creation).",
    }),
    minute: z.number().int().min(0).max(59).optional().openapi({
      description:
        "Minute past the hour (hourly only). Default: the minute of `startsAt` (else of the creation).",
    }),
    days: z.array(z.enum(WEEKDAY_NAMES)).min(1).max(7).optional().openapi({
      description: "Weekdays (weekly only). Default: the weekday of `startsAt` (else of the creation).",
    }),
    dayOfMonth: z.number().int().min(1).max(31).optional().openapi({
      description: "Day of the month (monthly only); a month without it runs on its last day.",
    }),
    timezone: z.string().min(1).max(64).optional().openapi({
      example: "Europe/Berlin",
      description: "IANA zone the times are in. Default: the recipient's zone at each run (UTC for a topic).",
    }),
  })
  .strict()
  .superRefine((rule, ctx) => {
    for (const p of ruleProblems(rule)) ctx.addIssue({ code: "custom", path: [p.path], message: p.message });
  })
  .openapi("ScheduleRepeat", { example: exampleRule });

export const ScheduleRequestSchema = z
  .object({
    type: z.string().min(1).max(100).openapi({ example: "weekly_promo" }),
    userId: UserId.optional().openapi({
      example: "user_123",
      description: "The recipient. Exactly one of `userId` and `topic`.",
    }),
    topic: TopicKey.optional().openapi({ description: "Each run fans out to the topic's subscribers then." }),
    data: z.record(z.string(), z.unknown()).openapi({ example: examplePromo }),
    repeat: RepeatSchema,
    priority: z.enum(PRIORITIES).optional(),
    channels: z.array(z.enum(CHANNELS)).min(1).max(4).optional(),
    startsAt: StorableDateTime.optional().openapi({
      description: `No run before this time (ISO 8601 with an offset, in the ${STORABLE_YEARS}); intervals count from it.`,
    }),
    endsAt: StorableDateTime.optional().openapi({ description: "No run after this time." }),
    maxRuns: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .openapi({ description: "Finished after this many runs." }),
    user: UserFields.optional().openapi({
      description:
        "The recipient's contact details, upserted now, as an event's inline `user` (needs `users:write`).",
    }),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.userId === undefined) === (s.topic === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [s.userId === undefined ? "userId" : "topic"],
        message: "exactly one of userId and topic is required",
      });
    }
    if (s.topic !== undefined && s.user !== undefined) {
      ctx.addIssue({ code: "custom", path: ["user"], message: "inline user data is not allowed with topic" });
    }
    refuseUnstorableStrings(s, ctx);
  })
  .openapi("ScheduleRequest", {
    example: { type: "weekly_promo", userId: "user_123", data: examplePromo, repeat: exampleRule },
  });

export type ScheduleRequest = z.infer<typeof ScheduleRequestSchema>;

export const SchedulePatchSchema = z
  .object({
    data: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Replaces the data (validated)." }),
    repeat: RepeatSchema.optional().openapi({ description: "Replaces the rule." }),
    timezone: z.string().min(1).max(64).nullable().optional().openapi({
      description: "The rule's zone; null: the recipient's own. Wins over `repeat.timezone`.",
    }),
    endsAt: StorableDateTime.nullable().optional(),
    maxRuns: z.number().int().min(1).max(1_000_000).nullable().optional(),
    paused: z.boolean().optional().openapi({
      description: "Pause (no run happens) or resume (the next run is the first one after now).",
    }),
  })
  .strict()
  .superRefine(refuseUnstorableStrings)
  .openapi("SchedulePatch", { example: { paused: true } });

export type SchedulePatchRequest = z.infer<typeof SchedulePatchSchema>;

export const ScheduleIdParam = z.object({
  scheduleId: z
    .string()
    .max(64)
    .openapi({ param: { name: "scheduleId", in: "path" }, example: "sch_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
});

const ScheduleFields = {
  id: z.string().openapi({ example: "sch_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
  type: z.string(),
  userId: z.string().nullable(),
  topic: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  dataHidden: z
    .literal(true)
    .optional()
    .openapi({ description: "Set when a support session may not see the data." }),
  priority: z.enum(PRIORITIES).nullable(),
  channels: z.array(z.enum(CHANNELS)).nullable(),
  repeat: RepeatSchema,
  startsAt: Timestamp.nullable(),
  endsAt: Timestamp.nullable(),
  maxRuns: z.number().int().nullable(),
  runs: z.number().int(),
  nextRunAt: Timestamp.nullable().openapi({ description: "Null once finished (endsAt or maxRuns reached)." }),
  lastRunAt: Timestamp.nullable(),
  lastEventId: z.string().nullable(),
  paused: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const exampleSchedule = {
  id: "sch_01jd8q3k5m6n7p8q9r0s1t2v3w",
  type: "weekly_promo",
  userId: "user_123",
  topic: null,
  data: examplePromo,
  priority: null,
  channels: null,
  repeat: exampleRule,
  startsAt: null,
  endsAt: null,
  maxRuns: null,
  runs: 1,
  nextRunAt: "2026-12-14T08:00:00.000Z",
  lastRunAt: "2026-12-07T08:00:00.000Z",
  lastEventId: exampleIds.event,
  paused: false,
  createdAt: "2026-12-01T10:00:00.000Z",
  updatedAt: "2026-12-07T08:00:00.012Z",
};

export const ScheduleSchema = z.object(ScheduleFields).openapi("Schedule", { example: exampleSchedule });

export const ScheduleDetailSchema = z
  .object({
    ...ScheduleFields,
    recentRuns: z
      .array(z.object({ eventId: z.string(), createdAt: Timestamp, status: z.string() }))
      .openapi({ description: "The events its last runs created (up to 20), newest first." }),
  })
  .openapi("ScheduleDetail", {
    example: {
      ...exampleSchedule,
      recentRuns: [{ eventId: exampleIds.event, createdAt: "2026-12-07T08:00:00.008Z", status: "routed" }],
    },
  });

export const SchedulePageSchema = z
  .object({ data: z.array(ScheduleSchema), nextCursor: z.string().nullable() })
  .openapi("SchedulePage", { example: { data: [exampleSchedule], nextCursor: null } });

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** `sees`: whether the caller may see a secret type's data (`seesSecrets`). */
export function serializeSchedule(s: ScheduleRow, sees: boolean) {
  const hidden = hidesEventData(s.type, sees);
  return {
    id: s.id,
    type: s.type,
    userId: s.userId,
    topic: s.topic,
    data: hidden ? {} : s.data,
    ...(hidden ? { dataHidden: true as const } : {}),
    priority: s.priority as (typeof PRIORITIES)[number] | null,
    channels: s.channels as (typeof CHANNELS)[number][] | null,
    repeat: { ...s.rule, ...(s.timezone ? { timezone: s.timezone } : {}) },
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    maxRuns: s.maxRuns,
    runs: s.runs,
    nextRunAt: iso(s.nextRunAt),
    lastRunAt: iso(s.lastRunAt),
    lastEventId: s.lastEventId,
    paused: s.pausedAt !== null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function serializeRun(r: ScheduleRun) {
  return { eventId: r.eventId, createdAt: r.createdAt.toISOString(), status: r.status };
}
