import type { FrameMessages } from "./messages.ts";

/** English: the fallback for every language without its own dictionary. */
export const en: FrameMessages = {
  footer: (brandName) => `You receive this e-mail because you have an account with ${brandName}.`,
  unsubscribe: "Unsubscribe",
  digestTitle: (period) => (period === "weekly" ? "Your weekly digest" : "Your daily digest"),
  digestCount: (total) => (total === 1 ? "1 update" : `${total} updates`),
  digestUnseen: (total) => `${total === 1 ? "One update" : `${total} updates`} you have not seen yet.`,
  digestSms: (brandName, period) => `${brandName} ${en.digestTitle(period).toLowerCase()}`,
};
