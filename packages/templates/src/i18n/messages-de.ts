import type { FrameMessages } from "./messages.ts";

/** German, addressing the reader formally ("Sie"). */
export const de: FrameMessages = {
  footer: (brandName) => `Sie erhalten diese E-Mail, weil Sie ein Konto bei ${brandName} haben.`,
  unsubscribe: "Abbestellen",
  digestTitle: (period) => (period === "weekly" ? "Ihre wöchentliche Übersicht" : "Ihre tägliche Übersicht"),
  digestCount: (total) => (total === 1 ? "1 Neuigkeit" : `${total} Neuigkeiten`),
  digestUnseen: (total) =>
    total === 1
      ? "Eine Neuigkeit, die Sie noch nicht gesehen haben."
      : `${total} Neuigkeiten, die Sie noch nicht gesehen haben.`,
  // German capitalises nouns: the title is kept as it is, not lower-cased as in English.
  digestSms: (brandName, period) => `${brandName}: ${de.digestTitle(period)}`,
};
