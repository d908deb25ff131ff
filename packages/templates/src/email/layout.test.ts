import { describe, expect, it } from "vitest";
import { catalog } from "../catalog/index.ts";
import type { NotificationType } from "../define-notification.ts";
import { renderContext, renderNotification } from "../render.ts";

const promo = catalog.weekly_promo;
const mail = async (locale: string, unsubscribeUrl?: string) => {
  const ctx = renderContext({ userId: "u", locale, ...(unsubscribeUrl ? { unsubscribeUrl } : {}) });
  const out = await renderNotification(promo, "email", promo.example, ctx);
  if (out.channel !== "email") throw new Error("expected email");
  return out;
};

describe("the e-mail frame's language", () => {
  it.each([
    [
      "de-DE",
      "de",
      "Sie erhalten diese E-Mail, weil Sie ein Konto bei Herald haben.",
      "Abbestellen",
      "Zum Angebot",
    ],
    [
      "fr-CA",
      "fr",
      "Vous recevez cet e-mail car vous avez un compte Herald.",
      "Se désabonner",
      "Découvrir l’offre",
    ],
  ])(
    "writes the footer and the unsubscribe link in the language of a %s recipient",
    async (locale, lang, footer, unsubscribe, cta) => {
      const out = await mail(locale, "https://h.example/u/tok");
      expect(out.html).toContain(`<html dir="ltr" lang="${lang}">`);
      // The body and its cell too: react-email writes lang="en" there unless told otherwise.
      expect(out.html).toMatch(new RegExp(`<body [^>]*lang="${lang}"`));
      expect(out.html).not.toContain('lang="en"');
      expect(out.text).toContain(footer);
      expect(out.html).toMatch(new RegExp(`<a href="https://h\\.example/u/tok"[^>]*>${unsubscribe}</a>`));
      expect(out.html).not.toContain("You receive this e-mail");
      expect(out.html).not.toContain("Unsubscribe");
      expect(out.html).toContain(cta);
    },
  );

  it("leaves the link out in German too when there is none", async () => {
    const out = await mail("de-AT");
    expect(out.text).toContain("Sie erhalten diese E-Mail, weil Sie ein Konto bei Herald haben.");
    expect(out.html).not.toContain("Abbestellen");
    expect(out.html).not.toContain("https://h.example/u/tok");
  });

  it("frames a language without a dictionary or a translation in English, tagged as English", async () => {
    const out = await mail("it-IT", "https://h.example/u/tok");
    expect(out.html).toContain('lang="en"');
    expect(out.text).toContain("You receive this e-mail because you have an account with Herald.");
    expect(out.html).toContain(">Unsubscribe</a>");
    expect(out.language).toBeUndefined();
  });

  it("follows the content's language, not the locale's, when the type has no translation for it", async () => {
    const untranslated = { ...promo, type: "promo_en_only", translations: {} } as NotificationType;
    const ctx = renderContext({ userId: "u", locale: "de-DE", unsubscribeUrl: "https://h.example/u/tok" });
    const out = await renderNotification(untranslated, "email", promo.example, ctx);
    if (out.channel !== "email") throw new Error("expected email");
    expect(out.html).toContain('lang="en"');
    expect(out.html).toContain(">Unsubscribe</a>");
    expect(out.html).toContain("See the offer");
  });
});
