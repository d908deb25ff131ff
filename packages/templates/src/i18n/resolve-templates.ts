import { CHANNELS, type Channel } from "@herald/domain";
import type { ChannelTemplates, NotificationType } from "../define-notification.ts";
import { DEFAULT_LANGUAGE, fallbackChain, languageTagProblem } from "./language-tag.ts";

/** A type's templates for one locale, channel by channel. */
export interface ResolvedTemplates {
  /** The translation's template where it has one for the channel, else the type's default. */
  templates: ChannelTemplates<unknown>;
  /**
   * The language each channel's template is written in: the translation's tag
   * as the type spells it (`de`), or {@link DEFAULT_LANGUAGE} for a default.
   */
  language: Partial<Record<Channel, string>>;
  /** Per channel: whether a translation was used (false for the type's default templates). */
  translated: Partial<Record<Channel, boolean>>;
}

type Entry = { tag: string; templates: ChannelTemplates<unknown> };

// Per type: translations by lower-case tag, and what each locale seen so far resolved to.
const indexes = new WeakMap<NotificationType, Map<string, Entry>>();
const resolutions = new WeakMap<NotificationType, Map<string, ResolvedTemplates>>();
/** Locales remembered per type; they come from recipients' records, so the map is bounded. */
const MAX_LOCALES = 1000;

function indexOf(def: NotificationType): Map<string, Entry> {
  let index = indexes.get(def);
  if (index === undefined) {
    index = new Map();
    for (const [tag, templates] of Object.entries(def.translations ?? {}))
      index.set(tag.toLowerCase(), { tag, templates: templates as ChannelTemplates<unknown> });
    indexes.set(def, index);
  }
  return index;
}

function resolve(def: NotificationType, locale: string): ResolvedTemplates {
  const index = indexOf(def);
  const found = fallbackChain(locale)
    .map((tag) => index.get(tag))
    .find((e) => e !== undefined);
  const base = def.templates as ChannelTemplates<unknown>;
  const out: ResolvedTemplates = { templates: {}, language: {}, translated: {} };
  for (const channel of CHANNELS) {
    const own = found?.templates[channel];
    const template = own ?? base[channel];
    if (template === undefined) continue;
    (out.templates as Record<Channel, unknown>)[channel] = template;
    out.language[channel] = own !== undefined ? found!.tag : DEFAULT_LANGUAGE;
    out.translated[channel] = own !== undefined;
  }
  return out;
}

/**
 * The templates `def` renders in for a recipient's `locale`: the translation
 * for the exact tag (`de-AT`), else for its language (`de`), else the type's
 * default templates; a channel the chosen translation lacks takes the
 * default's. Tags match case-insensitively. Resolved once per (type,
 * locale): a render after the first costs two map lookups.
 */
export function resolveTemplates(def: NotificationType, locale: string): ResolvedTemplates {
  let byLocale = resolutions.get(def);
  if (byLocale === undefined) {
    byLocale = new Map();
    resolutions.set(def, byLocale);
  }
  let hit = byLocale.get(locale);
  if (hit === undefined) {
    hit = resolve(def, locale);
    if (byLocale.size >= MAX_LOCALES) byLocale.clear();
    byLocale.set(locale, hit);
  }
  return hit;
}

/** The languages `def` renders in: the default's, then its translations' tags. */
export function languagesOf(def: NotificationType): string[] {
  return [DEFAULT_LANGUAGE, ...Object.keys(def.translations ?? {})];
}

const EMAIL_PARTS = ["subject", "preview", "component"] as const;

/** Problems with a type's translations, in words for the error at boot; empty when there are none. */
export function translationProblems(def: NotificationType): string[] {
  const translations = def.translations as Record<string, unknown> | undefined;
  if (translations === undefined) return [];
  if (typeof translations !== "object" || translations === null)
    return ["translations must be an object of language tag → templates"];
  const own = CHANNELS.filter((c) => def.templates[c] !== undefined);
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const [tag, templates] of Object.entries(translations)) {
    const bad = languageTagProblem(tag);
    if (bad) problems.push(`translations: ${bad}`);
    const same = seen.get(tag.toLowerCase());
    // Tags match case-insensitively, so these two would compete for the same recipients.
    if (same !== undefined) problems.push(`translations: ${same} and ${tag} are the same language tag`);
    seen.set(tag.toLowerCase(), tag);
    if (typeof templates !== "object" || templates === null) {
      problems.push(`translations.${tag} must be an object of channel templates`);
      continue;
    }
    for (const [channel, template] of Object.entries(templates as Record<string, unknown>)) {
      if (template === undefined) continue;
      if (!(own as string[]).includes(channel)) {
        problems.push(
          `translations.${tag}.${channel}: the type is not sent on ${channel} (its channels: ${own.join(", ")})`,
        );
      } else if (channel === "email") {
        const email = template as Record<string, unknown> | null;
        const missing = EMAIL_PARTS.filter(
          (k) => (k !== "preview" || email?.[k] !== undefined) && typeof email?.[k] !== "function",
        );
        if (missing.length > 0)
          problems.push(`translations.${tag}.email needs ${missing.join(" and ")} as functions`);
      } else if (typeof template !== "function") {
        problems.push(`translations.${tag}.${channel} must be a function of (data, ctx)`);
      }
    }
  }
  return problems;
}
