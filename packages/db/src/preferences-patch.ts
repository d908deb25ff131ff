import type { Preferences } from "./preferences.ts";
import type { CategoryPreference, ChannelSwitches, QuietHours, TypePreference } from "./schema/index.ts";

/** An override object as a patch: each key may be left out (kept), set, or null (cleared). */
export type OverridesPatch<T> = {
  [K in keyof T]?:
    | (NonNullable<T[K]> extends boolean | string ? T[K] : OverridesPatch<NonNullable<T[K]>>)
    | null;
};

/**
 * A partial update of {@link Preferences} (SPEC §4), with JSON merge-patch
 * (RFC 7396) semantics for the overrides: a key left out keeps its value, a
 * value sets it, `null` removes it so the setting inherits again (a type from
 * its category, a category from the channel switches, a switch from "on").
 */
export interface PreferencesPatch {
  /** Channel switches; `null` clears them all, `{email: null}` clears one. */
  channels?: OverridesPatch<ChannelSwitches> | null;
  /** Per-category overrides; `{marketing: null}` clears the category's, `{marketing: {digest: null}}` one of them. */
  categories?: Record<string, OverridesPatch<CategoryPreference> | null> | null;
  /** Per-type overrides, like `categories`. */
  types?: Record<string, OverridesPatch<TypePreference> | null> | null;
  /** Replaces the quiet hours as a whole (not merged); `null`: none. */
  quietHours?: QuietHours | null;
  /** `null` returns to the default digest time. */
  digestTime?: string | null;
  unsubscribedAll?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * RFC 7396 on one object, plus pruning: an override object left empty says
 * nothing, so it goes too rather than piling up `{}` entries in the stored
 * document after its last key was cleared.
 */
function mergePatch(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const merged =
      value === null
        ? undefined
        : isObject(value)
          ? mergePatch(isObject(out[key]) ? out[key] : {}, value)
          : value;
    if (merged === undefined || (isObject(merged) && Object.keys(merged).length === 0)) delete out[key];
    else out[key] = merged;
  }
  return out;
}

/** One of the override maps: left out, kept; null, all cleared; else merged. */
function mergeOverrides<T extends object>(current: T, patch: object | null | undefined): T {
  if (patch === undefined) return current;
  return (patch === null ? {} : mergePatch(current as Json, patch as Json)) as T;
}

/**
 * Applies a {@link PreferencesPatch}: top-level parts left out keep their
 * value; `channels`, `categories` and `types` merge key by key down to each
 * switch, so a PUT of `{channels: {sms: false}}` leaves e-mail as it was and
 * an unsubscribe link turning marketing e-mail off does not turn marketing
 * push back on. `null` clears an override (at any level of those three) or
 * the digest time; `quietHours` is replaced whole.
 */
export function mergePreferences(current: Preferences, patch: PreferencesPatch): Preferences {
  const digestTime = patch.digestTime === undefined ? current.digestTime : patch.digestTime;
  return {
    channels: mergeOverrides(current.channels, patch.channels),
    categories: mergeOverrides(current.categories, patch.categories),
    types: mergeOverrides(current.types, patch.types),
    quietHours: patch.quietHours !== undefined ? patch.quietHours : current.quietHours,
    ...(digestTime ? { digestTime } : {}),
    unsubscribedAll: patch.unsubscribedAll ?? current.unsubscribedAll,
  };
}

/**
 * Whether a change may move what the user's preferences hold back: their
 * open digest windows (digest time, digest modes, quiet hours' zone) and
 * their notifications held for quiet hours (the quiet hours). A null counts:
 * clearing a digest mode, the digest time or the quiet hours moves them as
 * much as setting one.
 */
export function movesDigests(patch: PreferencesPatch): boolean {
  return patch.digestTime !== undefined || patch.quietHours !== undefined || patch.categories !== undefined;
}
