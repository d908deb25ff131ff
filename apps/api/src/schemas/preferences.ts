import { isCategory } from "@herald/domain";
import { getNotificationType } from "@herald/templates";
import { z } from "@hono/zod-openapi";
import { TimeZone } from "./common.ts";
import { examplePreferences } from "./examples.ts";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM (24h)");

const ChannelSwitches = z
  .object({ email: z.boolean(), sms: z.boolean(), push: z.boolean(), in_app: z.boolean() })
  .partial()
  .strict()
  .openapi("ChannelSwitches", { example: { email: true, sms: false } });

const CategoryPreference = z
  .object({
    enabled: z.boolean().optional(),
    channels: ChannelSwitches.optional(),
    digest: z.enum(["instant", "daily", "weekly"]).optional(),
  })
  .strict();

const TypePreference = z
  .object({ enabled: z.boolean().optional(), channels: ChannelSwitches.optional() })
  .strict();

const categoryKey = z.string().refine(isCategory, "unknown category");
const typeKey = z.string().refine((t) => getNotificationType(t) !== undefined, "unknown notification type");

/** A PUT may send any subset; omitted parts keep their value (SPEC §4). */
export const PreferencesPatchSchema = z
  .object({
    channels: ChannelSwitches.optional(),
    categories: z.record(categoryKey, CategoryPreference).optional(),
    types: z.record(typeKey, TypePreference).optional(),
    quietHours: z
      .object({ start: HHMM, end: HHMM, timezone: TimeZone.optional() })
      .strict()
      .nullable()
      .optional(),
    digestTime: HHMM.optional(),
    unsubscribedAll: z.boolean().optional(),
  })
  .strict()
  .openapi("PreferencesUpdate", {
    example: {
      channels: { sms: false },
      categories: { marketing: { digest: "daily" } },
      quietHours: { start: "22:00", end: "07:00", timezone: "America/New_York" },
    },
  });

export const PreferencesSchema = z
  .object({
    channels: ChannelSwitches,
    categories: z.record(z.string(), CategoryPreference),
    types: z.record(z.string(), TypePreference),
    quietHours: z.object({ start: z.string(), end: z.string(), timezone: z.string().optional() }).nullable(),
    digestTime: z.string().optional(),
    unsubscribedAll: z.boolean(),
  })
  .openapi("Preferences", { example: examplePreferences });
