import type { Preferences } from "../api/client.ts";

/** Keys of the editor's switches, as {@link Draft.notOptedIn} lists them. */
export const switchKey = {
  channel: (c: string) => `channel:${c}`,
  category: (k: string) => `category:${k}`,
  categoryChannel: (k: string, c: string) => `category:${k}/${c}`,
  type: (t: string) => `type:${t}`,
  typeChannel: (t: string, c: string) => `type:${t}/${c}`,
};

/**
 * How the editor shows the stored switches. A switch left out of the
 * document shows on (only an explicit false opts out), except where the
 * operator made the category or channel opt-in (`optIn` of the answer): there
 * it shows what a broader level says (a type's, then its category's, then
 * the channel's), and off when no level says anything, noted in
 * `notOptedIn` so support can tell "never said yes" from "said no".
 */
export function consentReader(p: Preferences) {
  const optInCategories = new Set(p.optIn?.categories ?? []);
  const optInChannels = new Set(p.optIn?.channels ?? []);
  const notOptedIn: string[] = [];
  const shown = (
    key: string,
    optIn: boolean,
    own: boolean | undefined,
    ...broader: (boolean | undefined)[]
  ) => {
    if (own !== undefined) return own;
    if (!optIn) return true;
    const inherited = broader.find((v) => v !== undefined);
    if (inherited === undefined) notOptedIn.push(key);
    return inherited ?? false;
  };
  const categoryChannel = (k: string, c: string) => p.categories[k]?.channels?.[c as "email"];
  return {
    notOptedIn,
    optIn: { categories: [...optInCategories], channels: [...optInChannels] },
    channel: (c: string) => shown(switchKey.channel(c), optInChannels.has(c), p.channels[c as "email"]),
    category: (k: string) => shown(switchKey.category(k), optInCategories.has(k), p.categories[k]?.enabled),
    categoryChannel: (k: string, c: string) =>
      shown(
        switchKey.categoryChannel(k, c),
        optInChannels.has(c),
        categoryChannel(k, c),
        p.channels[c as "email"],
      ),
    type: (t: string, k: string) =>
      shown(switchKey.type(t), optInCategories.has(k), p.types[t]?.enabled, p.categories[k]?.enabled),
    typeChannel: (t: string, k: string, c: string) =>
      shown(
        switchKey.typeChannel(t, c),
        optInChannels.has(c),
        p.types[t]?.channels?.[c as "email"],
        categoryChannel(k, c),
        p.channels[c as "email"],
      ),
  };
}

/**
 * Why an opt-in switch is off, for support: the user never said yes (an
 * unset switch, `notOptedIn`), or said no.
 */
export function consentText(d: { notOptedIn: string[] }, key: string): string {
  return d.notOptedIn.includes(key) ? "off: the user never turned it on" : "off: the user turned it off";
}
