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

const list = (categories: string[]) => categories.map((c) => `<strong>${escapeHtml(c)}</strong>`).join(", ");

/**
 * The confirmation page behind the link in the footer. A GET never changes
 * anything (mail scanners follow links); the buttons POST to the same URL.
 */
export function confirmPage(brand: string, categories: string[]): string {
  return page(
    "Unsubscribe",
    `<h1>Unsubscribe from ${escapeHtml(brand)} e-mails?</h1>
<p>You will stop receiving ${list(categories)} e-mails. Security messages such as password resets are always sent.</p>
<form method="post">
<button class="primary" type="submit" name="scope" value="category">Unsubscribe from ${list(categories)} e-mails</button>
<button class="secondary" type="submit" name="scope" value="all">Unsubscribe from all e-mails</button>
</form>`,
  );
}

export function donePage(brand: string, what: string[] | "all"): string {
  const text = what === "all" ? "any e-mails" : `${list(what)} e-mails`;
  return page(
    "Unsubscribed",
    `<h1>You are unsubscribed</h1><p>${escapeHtml(brand)} will no longer send you ${text}, except security messages such as password resets.</p>`,
  );
}

export function invalidPage(): string {
  return page(
    "Invalid link",
    "<h1>This unsubscribe link is not valid</h1><p>It may have been cut off by your mail program. Open the link from the e-mail again, or change your preferences in the app.</p>",
  );
}
