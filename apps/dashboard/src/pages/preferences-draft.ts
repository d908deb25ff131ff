import { CATEGORIES, CHANNELS } from "@herald/domain";
import type { Preferences, PreferencesUpdate } from "../api/client.ts";
import { consentReader, switchKey } from "./preferences-consent.ts";

export type Digest = "instant" | "daily" | "weekly";
export type Switches = Record<string, boolean>;

/** What the editor needs of a catalog entry: a type's overrides only name the channels it has. */
export interface TypeInfo {
  type: string;
  category: string;
  channels: readonly string[];
}

export interface CategoryDraft {
  enabled: boolean;
  digest: Digest;
  channels: Switches;
}

export interface TypeDraft {
  enabled: boolean;
  channels: Switches;
}

/** The preferences editor's form state: every switch shown, defaults filled in. */
export interface Draft {
  channels: Switches;
  categories: Record<string, CategoryDraft>;
  types: Record<string, TypeDraft>;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  quietZone: string;
  digestTime: string;
  unsubscribedAll: boolean;
  /** What the operator made opt-in (the answer's read-only `optIn`). */
  optIn: { categories: string[]; channels: string[] };
  /** Switches shown off only because they are opt-in and the user never said yes (`switchKey`s). */
  notOptedIn: string[];
}

const switches = (names: readonly string[], shown: (c: string) => boolean) =>
  Object.fromEntries(names.map((c) => [c, shown(c)]));

export function toDraft(p: Preferences, userZone: string | null, catalog: readonly TypeInfo[]): Draft {
  const read = consentReader(p);
  return {
    channels: switches(CHANNELS, read.channel),
    categories: Object.fromEntries(
      Object.keys(CATEGORIES).map((k) => [
        k,
        {
          enabled: read.category(k),
          digest: p.categories[k]?.digest ?? "instant",
          channels: switches(CHANNELS, (c) => read.categoryChannel(k, c)),
        },
      ]),
    ),
    types: Object.fromEntries(
      catalog.map((t) => [
        t.type,
        {
          enabled: read.type(t.type, t.category),
          channels: switches(t.channels, (c) => read.typeChannel(t.type, t.category, c)),
        },
      ]),
    ),
    quiet: p.quietHours !== null,
    quietStart: p.quietHours?.start ?? "22:00",
    quietEnd: p.quietHours?.end ?? "07:00",
    quietZone: p.quietHours?.timezone ?? userZone ?? "UTC",
    digestTime: p.digestTime,
    unsubscribedAll: p.unsubscribedAll,
    optIn: read.optIn,
    notOptedIn: read.notOptedIn,
  };
}

/**
 * The form once the user's own time zone has changed (the contact card was
 * saved). Quiet hours stored without a zone, or none at all, use the user's,
 * so the form's zone follows it, unless the agent has already picked one.
 */
export function followUserZone(
  draft: Draft,
  base: Draft,
  stored: Preferences,
  userZone: string | null,
): { draft: Draft; base: Draft } {
  if (stored.quietHours?.timezone) return { draft, base };
  const quietZone = userZone ?? "UTC";
  return {
    base: { ...base, quietZone },
    draft: draft.quietZone === base.quietZone ? { ...draft, quietZone } : draft,
  };
}

const changed = <T extends object>(now: T, was: T): Partial<T> =>
  Object.fromEntries(
    Object.entries(now).filter(([k, v]) => v !== (was as Record<string, unknown>)[k]),
  ) as Partial<T>;

/** A category's or type's changes: its own fields, and only the channel switches that were flipped. */
function changedEntry<T extends { channels: Switches }>(now: T, was: T) {
  const { channels, ...rest } = changed(now, was);
  const out: Record<string, unknown> = rest;
  const flipped = changed(now.channels, was.channels);
  if (channels && Object.keys(flipped).length > 0) out.channels = flipped;
  return out;
}

function changedMap<T extends { channels: Switches }>(
  now: Record<string, T>,
  was: Record<string, T>,
  skip: (key: string) => boolean,
) {
  return Object.fromEntries(
    Object.entries(now)
      .filter(([k]) => !skip(k))
      .map(([k, v]) => [k, changedEntry(v, was[k] ?? v)] as const)
      .filter(([, v]) => Object.keys(v).length > 0),
  );
}

const isRequired = (category: string | undefined) =>
  category !== undefined && CATEGORIES[category as keyof typeof CATEGORIES]?.required === true;

/**
 * The number of switches turned off in a category and its types: opt-outs in
 * force. An opt-in switch the user never said yes to is no opt-out.
 */
export function offCount(d: Draft, category: string, catalog: readonly TypeInfo[]): number {
  const pending = new Set(d.notOptedIn);
  const off = (on: boolean | undefined, key: string) => (on === false && !pending.has(key) ? 1 : 0);
  const offs = (s: Switches | undefined, key: (c: string) => string) =>
    Object.entries(s ?? {}).reduce((n, [c, on]) => n + off(on, key(c)), 0);
  let n = offs(d.categories[category]?.channels, (c) => switchKey.categoryChannel(category, c));
  for (const t of catalog.filter((t) => t.category === category)) {
    const td = d.types[t.type];
    n +=
      off(td?.enabled, switchKey.type(t.type)) + offs(td?.channels, (c) => switchKey.typeChannel(t.type, c));
  }
  return n;
}

/**
 * The PUT for what the support agent changed since `base` (the document the
 * form was loaded from), and nothing else: the API merges it into the stored
 * preferences, so what the user or an unsubscribe link changed meanwhile
 * stays. Sending the whole form would put back everything as it was loaded.
 */
export function toUpdate(d: Draft, base: Draft, catalog: readonly TypeInfo[]): PreferencesUpdate {
  const update: PreferencesUpdate = {};
  const channels = changed(d.channels, base.channels);
  if (Object.keys(channels).length > 0) update.channels = channels;
  // Required categories (and their types) are always on and instant; sending them would only invite a 422.
  const categories = changedMap(d.categories, base.categories, isRequired);
  if (Object.keys(categories).length > 0) update.categories = categories;
  const categoryOf = new Map(catalog.map((t) => [t.type, t.category]));
  const types = changedMap(d.types, base.types, (t) => isRequired(categoryOf.get(t)));
  if (Object.keys(types).length > 0) update.types = types;
  const quiet = (x: Draft) => (x.quiet ? [x.quietStart, x.quietEnd, x.quietZone].join(" ") : null);
  if (quiet(d) !== quiet(base)) {
    update.quietHours = d.quiet ? { start: d.quietStart, end: d.quietEnd, timezone: d.quietZone } : null;
  }
  if (d.digestTime !== base.digestTime) update.digestTime = d.digestTime;
  if (d.unsubscribedAll !== base.unsubscribedAll) update.unsubscribedAll = d.unsubscribedAll;
  return update;
}
