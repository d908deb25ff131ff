import type { Category } from "@herald/domain";
import type { FrameMessages } from "./messages.ts";

const CATEGORY_NAMES: Record<Category, string> = {
  security: "Sicherheit",
  transactional: "Transaktionen",
  marketing: "Marketing",
  product: "Produkt",
  social: "Soziales",
};

const kategorie = (count: number) => (count === 1 ? "der Kategorie" : "der Kategorien");

/** German, addressing the reader formally ("Sie"). */
export const de: FrameMessages = {
  footer: (brandName) => `Sie erhalten diese E-Mail, weil Sie ein Konto bei ${brandName} haben.`,
  unsubscribe: "Abbestellen",
  digestTitle: (period) => (period === "weekly" ? "Ihre wöchentliche Übersicht" : "Ihre tägliche Übersicht"),
  digestCount: (total) => (total === 1 ? "1 Neuigkeit" : `${total} Neuigkeiten`),
  digestHeadline: (period, total) => `${de.digestTitle(period)}: ${de.digestCount(total)}`,
  digestUnseen: (total) =>
    total === 1
      ? "Eine Neuigkeit, die Sie noch nicht gesehen haben."
      : `${total} Neuigkeiten, die Sie noch nicht gesehen haben.`,
  // German capitalises nouns: the title is kept as it is, not lower-cased as in English.
  digestSms: (brandName, period, total) =>
    `${brandName}: ${de.digestTitle(period)}, ${de.digestCount(total)}:`,
  digestMore: (rest) => `und ${rest} weitere`,
  categoryName: (category) =>
    Object.hasOwn(CATEGORY_NAMES, category) ? CATEGORY_NAMES[category as Category] : category,
  unsubscribePage: {
    confirmTitle: "Abbestellen",
    confirmHeading: (brand) => `E-Mails von ${brand} abbestellen?`,
    confirmText: (list, count) =>
      `Sie erhalten dann keine E-Mails ${kategorie(count)} ${list} mehr. Sicherheitsnachrichten wie das Zurücksetzen Ihres Passworts senden wir weiterhin.`,
    confirmCategories: (list, count) => `E-Mails ${kategorie(count)} ${list} abbestellen`,
    confirmAll: "Alle E-Mails abbestellen",
    doneTitle: "Abbestellt",
    doneHeading: "Sie haben die E-Mails abbestellt",
    doneText: (brand, list, count) =>
      `${brand} sendet Ihnen keine E-Mails${list === null ? "" : ` ${kategorie(count)} ${list}`} mehr, außer Sicherheitsnachrichten wie das Zurücksetzen Ihres Passworts.`,
    invalidTitle: "Ungültiger Link",
    invalidHeading: "Dieser Abmeldelink ist ungültig",
    invalidText:
      "Ihr E-Mail-Programm hat ihn möglicherweise abgeschnitten. Öffnen Sie den Link aus der E-Mail erneut, oder ändern Sie Ihre Einstellungen in der App.",
  },
};
