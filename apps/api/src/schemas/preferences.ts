import {
  CATEGORIES,
  DEFAULT_DIGEST_TIME,
  isCategory,
  isRequiredCategory,
  type OptInSettings,
} from "@herald/domain";
import { getNotificationType, listNotificationTypes, notSentOn } from "@herald/templates";
import { z } from "@hono/zod-openapi";
import { TimeZone } from "./common.ts";
import { examplePreferences } from "./examples.ts";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM (24h)");

const CHANNEL_NAMES = ["email", "sms", "push", "in_app"] as const;

/** The four channel switches, each a `value`; an unknown channel is refused by name. */
const channelSwitches = <V extends z.ZodType>(value: V) =>
  z
    .strictObject(
      { email: value, sms: value, push: value, in_app: value },
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? `unknown channel ${issue.keys.map((k) => `"${k}"`).join(", ")}: use ${CHANNEL_NAMES.join(", ")}`
            : undefined,
      },
    )
    .partial();

const DigestMode = z.enum(["instant", "daily", "weekly"]);

const ChannelSwitches = channelSwitches(z.boolean()).openapi("ChannelSwitches", {
  example: { email: true, sms: false },
});

const CategoryPreference = z
  .object({
    enabled: z.boolean().optional(),
    channels: ChannelSwitches.optional(),
    digest: DigestMode.optional(),
  })
  .strict();

const TypePreference = z
  .object({ enabled: z.boolean().optional(), channels: ChannelSwitches.optional() })
  .strict();

// In an update every override may also be null, which removes it (RFC 7396) so the setting inherits again.
const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const ChannelSwitchesUpdate = channelSwitches(z.boolean().nullable()).openapi("ChannelSwitchesUpdate", {
  description:
    "`true`/`false` sets a switch, `null` clears it so the broader setting applies again (type → category → " +
    "channel switches → on, or off for an opt-in channel); `null` for the whole object clears them all",
  example: { email: false, sms: null },
});

const CategoryPreferenceUpdate = z
  .strictObject({
    enabled: clearable(z.boolean()),
    channels: clearable(ChannelSwitchesUpdate),
    digest: clearable(DigestMode).openapi({ description: "`null` clears it: instant again" }),
  })
  .openapi("CategoryPreferenceUpdate", {
    description:
      "Merged into the category's overrides: `null` for a key clears that override, `null` for the whole object all of them",
  });

const TypePreferenceUpdate = z
  .strictObject({ enabled: clearable(z.boolean()), channels: clearable(ChannelSwitchesUpdate) })
  .openapi("TypePreferenceUpdate", {
    description:
      "Merged into the type's overrides: `null` for a key clears that override (the category's settings apply " +
      "again), `null` for the whole object all of them",
  });

const OptInSchema = z
  .object({
    categories: z.array(z.string()).openapi({
      description:
        "`OPT_IN_CATEGORIES`: off for the user until a `true` turns them on (category or type `enabled`)",
    }),
    channels: z.array(z.string()).openapi({
      description:
        "`OPT_IN_CHANNELS`: off for the user until a `true` at some level turns them on (type, category or " +
        "channel switch)",
    }),
  })
  .openapi("OptIn", {
    description:
      "Read-only: what the operator made opt-in. A switch of these left unset is off (SUPPRESSED " +
      "`not_opted_in`), where any other is on; show it as off. Accepted back in a PUT and ignored.",
    example: { categories: ["marketing"], channels: ["sms"] },
  });

const categoryKey = z.string().refine(isCategory);
const typeKey = z.string().refine((t) => getNotificationType(t) !== undefined);
// Zod reports a bad record key as "Invalid key in record"; name the key and the choices instead.
const keyError = (what: string, choices: string[]) => ({
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code === "invalid_key"
      ? `unknown ${what} "${String(issue.input)}": use ${choices.join(", ")}`
      : undefined,
});

// A cleared override (null) turns nothing off: what it inherits is on, or refused where it was set.
const turnsOff = (
  p: { enabled?: boolean | null; channels?: Record<string, boolean | null | undefined> | null } | null,
) => p !== null && (p.enabled === false || Object.values(p.channels ?? {}).some((v) => v === false));

/**
 * A PUT may send any subset; omitted parts keep their value (SPEC §4), and
 * `null` clears an override (`PreferencesPatch` in `@herald/db` merges it).
 */
export const PreferencesPatchSchema = z
  .object({
    channels: clearable(ChannelSwitchesUpdate),
    categories: clearable(
      z.record(
        categoryKey,
        CategoryPreferenceUpdate.nullable(),
        keyError("category", Object.keys(CATEGORIES)),
      ),
    ).openapi({
      description: "By category, merged key by key; `{marketing: null}` clears all its overrides",
    }),
    types: clearable(
      z.record(
        typeKey,
        TypePreferenceUpdate.nullable(),
        keyError(
          "notification type",
          listNotificationTypes().map((d) => d.type),
        ),
      ),
    ).openapi({
      description: "By notification type, merged key by key; `{weekly_promo: null}` clears its overrides",
    }),
    quietHours: z
      .object({ start: HHMM, end: HHMM, timezone: TimeZone.optional() })
      .strict()
      .refine((q) => q.start !== q.end, {
        message: "start and end must differ (send null for no quiet hours)",
      })
      .nullable()
      .optional(),
    digestTime: clearable(HHMM).openapi({
      description: `\`null\` returns to the default, ${DEFAULT_DIGEST_TIME}`,
    }),
    unsubscribedAll: z.boolean().optional(),
    // A GET's answer sent back whole must be accepted: read-only, ignored.
    optIn: OptInSchema.optional().openapi({ description: "Read-only: ignored (what a GET answered)" }),
  })
  .strict()
  .superRefine((p, ctx) => {
    // Required categories (security) cannot be turned off or held back: say so instead of ignoring it.
    for (const [category, pref] of Object.entries(p.categories ?? {})) {
      if (!pref || !isRequiredCategory(category)) continue;
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
      if (!def || !pref) continue;
      if (isRequiredCategory(def.category) && turnsOff(pref))
        ctx.addIssue({
          code: "custom",
          path: ["types", type],
          message: `${type} is in the required category ${def.category} and cannot be turned off`,
        });
      for (const [channel, value] of Object.entries(pref.channels ?? {})) {
        // Clearing one is allowed: it removes what a catalog change may have left behind.
        const problem = value === null ? undefined : notSentOn(def, channel);
        if (problem)
          ctx.addIssue({ code: "custom", path: ["types", type, "channels", channel], message: problem });
      }
    }
  })
  .openapi("PreferencesUpdate", {
    description:
      "Any subset: parts left out keep their value. `channels`, `categories` and `types` merge key by key " +
      "(JSON merge patch, RFC 7396): a value sets an override, `null` clears it so the setting inherits " +
      "again (type → category → channel → on, or off where that is opt-in), and an override left empty " +
      "disappears. `quietHours` is replaced whole (`null`: none); `digestTime: null` returns to the default. " +
      "`optIn` is read-only and ignored.",
    example: {
      channels: { sms: false },
      categories: { marketing: { digest: "daily" } },
      types: { weekly_promo: { channels: { email: null } } },
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
    optIn: OptInSchema,
  })
  .openapi("Preferences", { example: examplePreferences });

/** Preferences as answered: the digest time in effect, the default included, and what is opt-in. */
export function servedPreferences<P extends { digestTime?: string | undefined }>(
  p: P,
  optIn: OptInSettings,
): P & { digestTime: string; optIn: { categories: string[]; channels: string[] } } {
  return {
    ...p,
    digestTime: p.digestTime ?? DEFAULT_DIGEST_TIME,
    optIn: { categories: [...optIn.categories], channels: [...optIn.channels] },
  };
}
