import type { DigestPeriod } from "../digest/render-digest.ts";
import { DEFAULT_LANGUAGE, fallbackChain } from "./language-tag.ts";
import { de } from "./messages-de.ts";
import { en } from "./messages-en.ts";
import { fr } from "./messages-fr.ts";

/**
 * The unsubscribe pages the API serves behind the e-mail footer's link. They
 * are HTML: `brand` and `list` (the categories, each already in `<strong>`)
 * arrive escaped, and what a dictionary adds must be plain text.
 */
export interface UnsubscribePageMessages {
  confirmTitle: string;
  confirmHeading: (brand: string) => string;
  /** What the buttons below do; security mail goes on. `count`: how many categories `list` names. */
  confirmText: (list: string, count: number) => string;
  confirmCategories: (list: string, count: number) => string;
  confirmAll: string;
  doneTitle: string;
  doneHeading: string;
  /** After the click; `list` is null when everything optional was turned off. */
  doneText: (brand: string, list: string | null, count: number) => string;
  invalidTitle: string;
  invalidHeading: string;
  invalidText: string;
}

/**
 * The fixed strings Herald writes itself, around or instead of a type's
 * templates: the e-mail frame's footer, the digests and the unsubscribe
 * pages. One dictionary per language; a language without one gets English.
 * Whatever Herald writes into a digest comes from here, so that a translated
 * digest holds no English but the entries' own text.
 */
export interface FrameMessages {
  /** The footer's sentence: why the recipient gets the e-mail. */
  footer: (brandName: string) => string;
  /** The footer's unsubscribe link text. */
  unsubscribe: string;
  /** A digest's heading and the start of its subject and titles. */
  digestTitle: (period: DigestPeriod) => string;
  /** A digest's count of items, "3 updates", as `digestHeadline` and `digestSms` write it. */
  digestCount: (total: number) => string;
  /** A digest's subject, and its push and in-app title: "Your daily digest: 3 updates". */
  digestHeadline: (period: DigestPeriod, total: number) => string;
  /** The digest e-mail's line under its heading. */
  digestUnseen: (total: number) => string;
  /** A digest SMS up to its entries' titles, which follow after a space: "Herald your daily digest, 3 updates:". */
  digestSms: (brandName: string, period: DigestPeriod, total: number) => string;
  /** Ends a collapsed entry's body after the items it names: "and 2 more" (`rest` ≥ 1 not named). */
  digestMore: (rest: number) => string;
  /** A category's name for readers (`marketing`). */
  categoryName: (category: string) => string;
  unsubscribePage: UnsubscribePageMessages;
}

/** Every dictionary, by lower-case language tag. Adding a language = one file and one line here. */
const DICTIONARIES = new Map<string, FrameMessages>([
  ["en", en],
  ["de", de],
  ["fr", fr],
]);

/** The languages the fixed strings are written in. */
export const messageLanguages = (): string[] => [...DICTIONARIES.keys()];

// Resolved once per distinct tag: a frame or digest render costs one lookup.
const resolved = new Map<string, { language: string; messages: FrameMessages }>();
const MAX_RESOLVED = 1000;

/**
 * The dictionary for `locale` (`de-AT` → `de`) and its language, English
 * when there is none for it.
 */
export function messagesFor(locale: string): { language: string; messages: FrameMessages } {
  let hit = resolved.get(locale);
  if (hit === undefined) {
    const language = fallbackChain(locale).find((tag) => DICTIONARIES.has(tag)) ?? DEFAULT_LANGUAGE;
    hit = { language, messages: DICTIONARIES.get(language)! };
    // Locales come from recipients' records: a bound keeps odd ones from growing the map forever.
    if (resolved.size >= MAX_RESOLVED) resolved.clear();
    resolved.set(locale, hit);
  }
  return hit;
}
