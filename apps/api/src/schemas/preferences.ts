import { CATEGORIES, DEFAULT_DIGEST_TIME, isCategory, isRequiredCategory } from "@herald/domain";
import { getNotificationType, listNotificationTypes, notSentOn } from "@herald/templates";
import { z } from "@hono/zod-openapi";
import { TimeZone } from "./common.ts";
import { examplePreferences } from "./examples.ts";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM (24h)");

const CHANNEL_NAMES = ["email", "sms", "push", "in_app"] as const;

const ChannelSwitches = z
  .strictObject(
    { email: z.boolean(), sms: z.boolean(), push: z.boolean(), in_app: z.boolean() },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown channel ${issue.keys.map((k) => `"${k}"`).join(", ")}: use ${CHANNEL_NAMES.join(", ")}`
          : undefined,
    },
  )
  .partial()
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

const categoryKey = z.string().refine(isCategory);
const typeKey = z.string().refine((t) => getNotificationType(t) !== undefined);
// Zod reports a bad record key as "Invalid key in record"; name the key and the choices instead.
const keyError = (what: string, choices: string[]) => ({
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code === "invalid_key"
      ? `unknown ${what} "${String(issue.input)}": use ${choices.join(", ")}`
      : undefined,
});

const turnsOff = (p: { enabled?: boolean; channels?: Record<string, boolean | undefined> }) =>
  p.enabled === false || Object.values(p.channels ?? {}).some((v) => v === false);

/** A PUT may send any subset; omitted parts keep their value (SPEC §4). */
export const PreferencesPatchSchema = z
  .object({
    channels: ChannelSwitches.optional(),
    categories: z
      .record(categoryKey, CategoryPreference, keyError("category", Object.keys(CATEGORIES)))
      .optional(),
    types: z
      .record(
        typeKey,
        TypePreference,
        keyError(
          "notification type",
          listNotificationTypes().map((d) => d.type),
        ),
      )
      .optional(),
    quietHours: z
      .object({ start: HHMM, end: HHMM, timezone: TimeZone.optional() })
      .strict()
      .refine((q) => q.start !== q.end, {
        message: "start and end must differ (send null for no quiet hours)",
      })
      .nullable()
      .optional(),
    digestTime: HHMM.optional(),
    unsubscribedAll: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    // Required categories (security) cannot be turned off or held back: say so instead of ignoring it.
    for (const [category, pref] of Object.entries(p.categories ?? {})) {
      if (!isRequiredCategory(category)) continue;
      if (turnsOff(pref))
        ctx.addIssue({
          code: "custom",
          path: ["categories", category],
          message: `${category} is a required category and cannot be turned off`,
        });
      if (pref.digest && pref.digest !== "instant")
        ctx.addIssue({
          code: "custom",
          path: ["categories", category, "digest"],
          message: `${category} is a required category and is always sent at once`,
        });
    }
    for (const [type, pref] of Object.entries(p.types ?? {})) {
      const def = getNotificationType(type);
      if (!def) continue;
      if (isRequiredCategory(def.category) && turnsOff(pref))
        ctx.addIssue({
          code: "custom",
          path: ["types", type],
          message: `${type} is in the required category ${def.category} and cannot be turned off`,
        });
      for (const channel of Object.keys(pref.channels ?? {})) {
        const problem = notSentOn(def, channel);
        if (problem)
          ctx.addIssue({ code: "custom", path: ["types", type, "channels", channel], message: problem });
      }
    }
  })
  .openapi("PreferencesUpdate", {
    example: {
      channels: { sms: false },
      categories: { marketing: { digest: "daily" } },
      quietHours: { start: "22:00", end: "07:00", timezone: "America/New_York" },
      digestTime: "09:00",
    },
  });

export const PreferencesSchema = z
  .object({
    channels: ChannelSwitches,
    categories: z.record(z.string(), CategoryPreference).openapi({
      description: `By category: ${Object.keys(CATEGORIES).join(", ")} (required categories cannot be opted out of or digested)`,
    }),
    types: z.record(z.string(), TypePreference).openapi({
      description: "By notification type of the catalog (`GET /v1/dashboard/templates` lists them)",
    }),
    quietHours: z.object({ start: z.string(), end: z.string(), timezone: z.string().optional() }).nullable(),
    digestTime: z
      .string()
      .openapi({ description: `Local time of the user's digests; ${DEFAULT_DIGEST_TIME} until set` }),
    unsubscribedAll: z.boolean(),
  })
  .openapi("Preferences", { example: examplePreferences });

/** Preferences as answered: the digest time in effect, the default included. */
export function servedPreferences<P extends { digestTime?: string | undefined }>(
  p: P,
): P & { digestTime: string } {
  return { ...p, digestTime: p.digestTime ?? DEFAULT_DIGEST_TIME };
}
