import type { Preferences } from "@herald/inbox";

/**
 * A switch of the preferences panel: a channel (`channels[id]`) or a
 * category (`categories[id].enabled`), and whether the operator made it
 * opt-in (`optIn` of the preferences answer).
 */
export interface SwitchOf {
  kind: "channel" | "category";
  id: string;
}

/** Whether `s` is opt-in: listed in the answer's `optIn` (absent from an older Herald: nothing is). */
export function isOptIn(prefs: Preferences, s: SwitchOf): boolean {
  const list = s.kind === "channel" ? prefs.optIn?.channels : prefs.optIn?.categories;
  return list?.includes(s.id) ?? false;
}

function storedValue(prefs: Preferences, s: SwitchOf): boolean | undefined {
  return s.kind === "channel"
    ? prefs.channels[s.id as keyof Preferences["channels"]]
    : prefs.categories[s.id]?.enabled;
}

/** Whether the switch shows on: what is stored, else on, or off where it is opt-in (no yes yet). */
export function shownOn(prefs: Preferences, s: SwitchOf): boolean {
  return storedValue(prefs, s) ?? !isOptIn(prefs, s);
}

/**
 * What turning the switch on or off stores. Off is `false`. On clears the
 * override (`null`), which keeps a type's or category's own overrides in
 * charge, except where it is opt-in: there unset means no, so on is `true`.
 */
export function storedFor(prefs: Preferences, s: SwitchOf, on: boolean): boolean | null {
  if (!on) return false;
  return isOptIn(prefs, s) ? true : null;
}
