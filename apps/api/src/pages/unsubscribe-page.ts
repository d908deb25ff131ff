const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Headers for the unsubscribe pages: the token in the URL must not leak, nothing may be framed or cached. */
export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;background:#f4f5f7;color:#111827;margin:0}
main{background:#fff;max-width:480px;margin:48px auto;padding:32px;border-radius:8px}
h1{font-size:20px;margin:0 0 12px}p{color:#374151;line-height:1.5}
button{font:inherit;border:0;border-radius:6px;padding:10px 16px;margin:8px 8px 0 0;cursor:pointer}
.primary{background:#4f46e5;color:#fff}.secondary{background:#e5e7eb;color:#111827}</style></head>
<body><main>${body}</main></body></html>`;
}

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
