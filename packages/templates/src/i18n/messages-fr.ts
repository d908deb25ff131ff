import type { Category } from "@herald/domain";
import type { DigestPeriod } from "../digest/render-digest.ts";
import type { FrameMessages } from "./messages.ts";

const CATEGORY_NAMES: Record<Category, string> = {
  security: "Sécurité",
  transactional: "Transactions",
  marketing: "Marketing",
  product: "Produit",
  social: "Communauté",
};

/**
 * French sets a non-breaking space before a colon or a question mark, so
 * that neither ever starts a line; every `:` and `?` below goes with one.
 */
const NBSP = "\u00a0";

// French puts 0 and 1 in the singular.
const plural = (n: number, one: string, many: string) => (n <= 1 ? one : many);
const categorie = (count: number) => plural(count, "de la catégorie", "des catégories");
const periodTitle = (period: DigestPeriod) =>
  period === "weekly" ? "votre récapitulatif de la semaine" : "votre récapitulatif du jour";
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** French, addressing the reader formally ("vous"), with typographic apostrophes (’). */
export const fr: FrameMessages = {
  footer: (brandName) => `Vous recevez cet e-mail car vous avez un compte ${brandName}.`,
  unsubscribe: "Se désabonner",
  digestTitle: (period) => capitalized(periodTitle(period)),
  digestCount: (total) => `${total} ${plural(total, "nouveauté", "nouveautés")}`,
  digestHeadline: (period, total) => `${fr.digestTitle(period)}${NBSP}: ${fr.digestCount(total)}`,
  digestUnseen: (total) =>
    total <= 1
      ? "Une nouveauté que vous n’avez pas encore vue."
      : `${total} nouveautés que vous n’avez pas encore vues.`,
  digestSms: (brandName, period, total) =>
    `${brandName}${NBSP}: ${periodTitle(period)}, ${fr.digestCount(total)}${NBSP}:`,
  digestMore: (rest) => `et ${rest} ${plural(rest, "autre", "autres")}`,
  categoryName: (category) =>
    Object.hasOwn(CATEGORY_NAMES, category) ? CATEGORY_NAMES[category as Category] : category,
  unsubscribePage: {
    confirmTitle: "Se désabonner",
    confirmHeading: (brand) => `Se désabonner des e-mails de ${brand}${NBSP}?`,
    confirmText: (list, count) =>
      `Vous ne recevrez plus les e-mails ${categorie(count)} ${list}. Les messages de sécurité, comme la réinitialisation de votre mot de passe, vous seront toujours envoyés.`,
    confirmCategories: (list, count) => `Se désabonner des e-mails ${categorie(count)} ${list}`,
    confirmAll: "Se désabonner de tous les e-mails",
    doneTitle: "Désabonnement effectué",
    doneHeading: "Votre désabonnement est bien pris en compte",
    doneText: (brand, list, count) =>
      `${brand} ne vous enverra plus d’e-mails${list === null ? "" : ` ${categorie(count)} ${list}`}, à l’exception des messages de sécurité comme la réinitialisation de votre mot de passe.`,
    invalidTitle: "Lien non valide",
    invalidHeading: "Ce lien de désabonnement n’est pas valide",
    invalidText:
      "Votre messagerie l’a peut-être tronqué. Rouvrez le lien depuis l’e-mail, ou modifiez vos préférences dans l’application.",
  },
};
