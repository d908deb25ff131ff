import type { FrameMessages } from "./messages.ts";

/** English: the fallback for every language without its own dictionary. */
export const en: FrameMessages = {
  footer: (brandName) => `You receive this e-mail because you have an account with ${brandName}.`,
  unsubscribe: "Unsubscribe",
  digestTitle: (period) => (period === "weekly" ? "Your weekly digest" : "Your daily digest"),
  digestCount: (total) => (total === 1 ? "1 update" : `${total} updates`),
  digestHeadline: (period, total) => `${en.digestTitle(period)}: ${en.digestCount(total)}`,
  digestUnseen: (total) => `${total === 1 ? "One update" : `${total} updates`} you have not seen yet.`,
  digestSms: (brandName, period, total) =>
    `${brandName} ${en.digestTitle(period).toLowerCase()}, ${en.digestCount(total)}:`,
  digestMore: (rest) => `and ${rest} more`,
  categoryName: (category) => category,
  unsubscribePage: {
    confirmTitle: "Unsubscribe",
    confirmHeading: (brand) => `Unsubscribe from ${brand} e-mails?`,
    confirmText: (list) =>
      `You will stop receiving ${list} e-mails. Security messages such as password resets are always sent.`,
    confirmCategories: (list) => `Unsubscribe from ${list} e-mails`,
    confirmAll: "Unsubscribe from all e-mails",
    doneTitle: "Unsubscribed",
    doneHeading: "You are unsubscribed",
    doneText: (brand, list) =>
      `${brand} will no longer send you ${list === null ? "any e-mails" : `${list} e-mails`}, except security messages such as password resets.`,
    invalidTitle: "Invalid link",
    invalidHeading: "This unsubscribe link is not valid",
    invalidText:
      "It may have been cut off by your mail program. Open the link from the e-mail again, or change your preferences in the app.",
  },
};
