import { CATEGORIES, CHANNELS } from "@herald/domain";
import type { Preferences, PreferencesUpdate } from "../api/client.ts";

export type Digest = "instant" | "daily" | "weekly";

/** The preferences editor's form state: every switch shown, defaults filled in. */
export interface Draft {
  channels: Record<string, boolean>;
  categories: Record<string, { enabled: boolean; digest: Digest }>;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  quietZone: string;
  digestTime: string;
  unsubscribedAll: boolean;
}

export function toDraft(p: Preferences, userZone: string | null): Draft {
  return {
    channels: Object.fromEntries(CHANNELS.map((c) => [c, p.channels[c] !== false])),
    categories: Object.fromEntries(
      Object.keys(CATEGORIES).map((c) => [
        c,
        { enabled: p.categories[c]?.enabled !== false, digest: p.categories[c]?.digest ?? "instant" },
      ]),
    ),
    quiet: p.quietHours !== null,
    quietStart: p.quietHours?.start ?? "22:00",
    quietEnd: p.quietHours?.end ?? "07:00",
    quietZone: p.quietHours?.timezone ?? userZone ?? "UTC",
    digestTime: p.digestTime ?? "09:00",
    unsubscribedAll: p.unsubscribedAll,
  };
}

const changed = <T extends object>(now: T, was: T): Partial<T> =>
  Object.fromEntries(
    Object.entries(now).filter(([k, v]) => v !== (was as Record<string, unknown>)[k]),
  ) as Partial<T>;

/**
 * The PUT for what the support agent changed since `base` (the document the
 * form was loaded from), and nothing else: the API merges it into the stored
 * preferences, so what the user or an unsubscribe link changed meanwhile
 * stays. Sending the whole form would put back everything as it was loaded.
 */
export function toUpdate(d: Draft, base: Draft): PreferencesUpdate {
  const update: PreferencesUpdate = {};
  const channels = changed(d.channels, base.channels);
  if (Object.keys(channels).length > 0) update.channels = channels;
  const categories = Object.fromEntries(
    Object.entries(d.categories)
      // Required categories are always on and instant; sending them would only invite a 422.
      .filter(([c]) => !CATEGORIES[c as keyof typeof CATEGORIES].required)
      .map(([c, v]) => [c, changed(v, base.categories[c] ?? v)] as const)
      .filter(([, v]) => Object.keys(v).length > 0),
  );
  if (Object.keys(categories).length > 0) update.categories = categories;
  const quiet = (x: Draft) => (x.quiet ? [x.quietStart, x.quietEnd, x.quietZone].join(" ") : null);
  if (quiet(d) !== quiet(base)) {
    update.quietHours = d.quiet ? { start: d.quietStart, end: d.quietEnd, timezone: d.quietZone } : null;
  }
  if (d.digestTime !== base.digestTime) update.digestTime = d.digestTime;
  if (d.unsubscribedAll !== base.unsubscribedAll) update.unsubscribedAll = d.unsubscribedAll;
  return update;
}
