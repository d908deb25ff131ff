import { describe, expect, it } from "vitest";
import { fallbackChain, languageTagProblem } from "./language-tag.ts";

describe("language tags", () => {
  it("tries a locale from its most specific tag to its language, in lower case", () => {
    expect(fallbackChain("de-AT")).toEqual(["de-at", "de"]);
    expect(fallbackChain("DE")).toEqual(["de"]);
    expect(fallbackChain("zh-Hant-TW")).toEqual(["zh-hant-tw", "zh-hant", "zh"]);
    expect(fallbackChain("de_CH")).toEqual(["de-ch", "de"]);
    expect(fallbackChain("fr-CA")).toEqual(["fr-ca", "fr"]);
    // Extensions and private use say how, not which language: they are left out.
    expect(fallbackChain("de-DE-u-co-phonebk")).toEqual(["de-de", "de"]);
    expect(fallbackChain("")).toEqual([]);
  });

  it("accepts well-formed BCP 47 tags and names a malformed one", () => {
    for (const tag of ["de", "de-AT", "zh-Hant", "es-419", "DE-at"])
      expect(languageTagProblem(tag), tag).toBeUndefined();
    for (const tag of ["german", "de_AT", "", " de", "de-", "1234"])
      expect(languageTagProblem(tag), tag).toBe(
        `${JSON.stringify(tag)} is not a BCP 47 language tag (like de or de-AT)`,
      );
  });
});
