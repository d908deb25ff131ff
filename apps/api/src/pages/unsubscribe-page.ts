import { messagesFor } from "@herald/templates";
import { escapeHtml, simplePage as page } from "./simple-page.ts";

/** Headers for the unsubscribe pages: the token in the URL must not leak, nothing may be framed or cached. */
export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

const list = (categories: string[], categoryName: (c: string) => string) =>
  categories.map((c) => `<strong>${escapeHtml(categoryName(c))}</strong>`).join(", ");

/**
 * The confirmation page behind the link in the footer, in the recipient's
 * language. A GET never changes anything (mail scanners follow links); the
 * buttons POST to the same URL.
 */
export function confirmPage(brand: string, categories: string[], locale: string): string {
  const { language: lang, messages: m } = messagesFor(locale);
  const p = m.unsubscribePage;
  const names = list(categories, m.categoryName);
  const n = categories.length;
  return page(
    p.confirmTitle,
    `<h1>${p.confirmHeading(escapeHtml(brand))}</h1>
<p>${p.confirmText(names, n)}</p>
<form method="post">
<button class="primary" type="submit" name="scope" value="category">${p.confirmCategories(names, n)}</button>
<button class="secondary" type="submit" name="scope" value="all">${p.confirmAll}</button>
</form>`,
    lang,
  );
}

export function donePage(brand: string, what: string[] | "all", locale: string): string {
  const { language: lang, messages: m } = messagesFor(locale);
  const p = m.unsubscribePage;
  const names = what === "all" ? null : list(what, m.categoryName);
  return page(
    p.doneTitle,
    `<h1>${p.doneHeading}</h1><p>${p.doneText(escapeHtml(brand), names, what === "all" ? 0 : what.length)}</p>`,
    lang,
  );
}

/** For a link that names no recipient: in the browser's first language (`Accept-Language`). */
export function invalidPage(acceptLanguage: string | undefined): string {
  const first = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim();
  const { language: lang, messages: m } = messagesFor(first || "en");
  const p = m.unsubscribePage;
  return page(p.invalidTitle, `<h1>${p.invalidHeading}</h1><p>${p.invalidText}</p>`, lang);
}
