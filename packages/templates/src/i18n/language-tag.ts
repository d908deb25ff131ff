/** The language of every type's default templates and of the fixed strings' fallback. */
export const DEFAULT_LANGUAGE = "en";

/**
 * Why `tag` cannot name a translation, or undefined when it can: a
 * well-formed BCP 47 language tag (`de`, `de-AT`, `zh-Hant`) whose language
 * is a two- or three-letter code, as the API asks of recipients' locales
 * (a tag BCP 47 allows, like `german`, would never match one). Checked once,
 * when the catalog loads; rendering never builds an `Intl.Locale`.
 */
export function languageTagProblem(tag: string): string | undefined {
  try {
    if (!/^[A-Za-z]{2,3}(-|$)/.test(tag)) throw new RangeError();
    Intl.getCanonicalLocales(tag);
    return undefined;
  } catch {
    return `${JSON.stringify(tag)} is not a BCP 47 language tag (like de or de-AT)`;
  }
}

/**
 * The tags to try for a recipient's locale, most specific first and in
 * lower case: `de-Latn-AT` → `de-latn-at`, `de-latn`, `de`. A private-use or
 * extension part (`-u-…`, `-x-…`) goes with everything after it, so
 * `de-DE-u-co-phonebk` still finds `de-de`.
 */
export function fallbackChain(locale: string): string[] {
  const parts = locale.toLowerCase().split(/[-_]/);
  const single = parts.findIndex((p, i) => i > 0 && p.length === 1);
  const kept = single === -1 ? parts : parts.slice(0, single);
  const chain: string[] = [];
  for (let n = kept.length; n > 0; n--) if (kept[n - 1] !== "") chain.push(kept.slice(0, n).join("-"));
  return chain;
}
