import { CATEGORIES } from "@herald/domain";
import { describe, expect, it } from "vitest";
import {
  type FrameMessages,
  messageLanguages,
  messagesFor,
  type UnsubscribePageMessages,
} from "./messages.ts";

/**
 * The arguments each text is tried with: a string is taken as it is, a
 * function is called with each argument list. Typed against the interfaces,
 * so a text added to `FrameMessages` does not compile here until it is tried.
 */
type Samples<T> = {
  [K in keyof T]: T[K] extends string
    ? true
    : T[K] extends (...args: infer A) => string
      ? A[]
      : Samples<T[K]>;
};

const LIST = "<strong>Marketing</strong>";
const page: Samples<UnsubscribePageMessages> = {
  confirmTitle: true,
  confirmHeading: [["Shop"]],
  confirmText: [
    [LIST, 1],
    [LIST, 2],
  ],
  confirmCategories: [
    [LIST, 1],
    [LIST, 2],
  ],
  confirmAll: true,
  doneTitle: true,
  doneHeading: true,
  doneText: [
    ["Shop", LIST, 1],
    ["Shop", LIST, 2],
    ["Shop", null, 0],
  ],
  invalidTitle: true,
  invalidHeading: true,
  invalidText: true,
};
const SAMPLES: Samples<FrameMessages> = {
  footer: [["Shop"]],
  unsubscribe: true,
  digestTitle: [["daily"], ["weekly"]],
  digestCount: [[1], [2], [12]],
  digestHeadline: [
    ["daily", 1],
    ["weekly", 3],
  ],
  digestUnseen: [[1], [4]],
  digestSms: [
    ["Shop", "daily", 1],
    ["Shop", "weekly", 2],
  ],
  digestMore: [[1], [2]],
  categoryName: Object.keys(CATEGORIES).map((c) => [c]),
  unsubscribePage: page,
};

/** Every text of a dictionary under every sample, by a name like `digestCount(2)`. */
function texts(dictionary: object, samples: object, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, sample] of Object.entries(samples)) {
    const value = (dictionary as Record<string, unknown>)[key];
    const name = `${prefix}${key}`;
    if (sample === true) out.set(name, value);
    else if (Array.isArray(sample))
      for (const args of sample as unknown[][])
        out.set(`${name}(${args.join(", ")})`, typeof value === "function" ? value(...args) : value);
    else for (const [k, v] of texts(value as object, sample, `${name}.`)) out.set(k, v);
  }
  return out;
}

/** Texts a language rightly shares with English. */
const SAME_AS_ENGLISH = new Set(["categoryName(marketing)"]);

const english = texts(messagesFor("en").messages, SAMPLES);
const translated = messageLanguages().filter((l) => l !== "en");

describe("the fixed strings' dictionaries", () => {
  it("are English, German and French", () => {
    expect(messageLanguages()).toEqual(["en", "de", "fr"]);
  });

  it.each(messageLanguages())("%s has every text, as a non-empty string, and nothing more", (language) => {
    const { messages } = messagesFor(language);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(Object.keys(messages.unsubscribePage).sort()).toEqual(Object.keys(page).sort());
    for (const [name, text] of texts(messages, SAMPLES)) {
      expect(typeof text, name).toBe("string");
      expect((text as string).trim(), name).not.toBe("");
    }
  });

  it.each(translated)("%s falls back to English nowhere", (language) => {
    for (const [name, text] of texts(messagesFor(language).messages, SAMPLES))
      if (!SAME_AS_ENGLISH.has(name)) expect(text, name).not.toBe(english.get(name));
  });

  it("picks a locale's language, English for a language without a dictionary", () => {
    expect(messagesFor("fr-CA").language).toBe("fr");
    expect(messagesFor("FR").messages.unsubscribe).toBe("Se désabonner");
    expect(messagesFor("de-AT").language).toBe("de");
    expect(messagesFor("it-IT")).toEqual({ language: "en", messages: messagesFor("en").messages });
  });

  it("writes French with its plurals and a non-breaking space before a colon or question mark", () => {
    const { messages: fr } = messagesFor("fr");
    expect(fr.digestCount(1)).toBe("1 nouveauté");
    expect(fr.digestCount(2)).toBe("2 nouveautés");
    expect(fr.digestHeadline("weekly", 3)).toBe("Votre récapitulatif de la semaine\u00a0: 3 nouveautés");
    expect(fr.digestSms("Shop", "daily", 1)).toBe(
      "Shop\u00a0: votre récapitulatif du jour, 1 nouveauté\u00a0:",
    );
    expect(fr.digestMore(1)).toBe("et 1 autre");
    expect(fr.digestMore(4)).toBe("et 4 autres");
    expect(fr.unsubscribePage.confirmHeading("Shop")).toBe("Se désabonner des e-mails de Shop\u00a0?");
    expect(fr.unsubscribePage.confirmCategories(LIST, 2)).toBe(
      `Se désabonner des e-mails des catégories ${LIST}`,
    );
    expect(fr.categoryName("social")).toBe("Communauté");
    // A category Herald does not know is named as it is.
    expect(fr.categoryName("billing")).toBe("billing");
    for (const [name, text] of texts(fr, SAMPLES)) expect(text, name).not.toMatch(/[^\u00a0][:?!](\s|$)|'/);
  });
});
