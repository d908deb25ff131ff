/** `s` safe to place in HTML text or a quoted attribute. */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * A small self-contained page (the unsubscribe pages, Bull Board's "admins
 * only"): inline styles and nothing else, so it renders under the strictest
 * CSP we send. `body` is HTML the caller has escaped; `lang` is the page's
 * language (default `en`).
 */
export function simplePage(title: string, body: string, lang = "en"): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;background:#f4f5f7;color:#111827;margin:0}
main{background:#fff;max-width:480px;margin:48px auto;padding:32px;border-radius:8px}
h1{font-size:20px;margin:0 0 12px}p{color:#374151;line-height:1.5}
button,a.button{font:inherit;border:0;border-radius:6px;padding:10px 16px;margin:8px 8px 0 0;cursor:pointer;display:inline-block;text-decoration:none}
.primary{background:#4f46e5;color:#fff}.secondary{background:#e5e7eb;color:#111827}</style></head>
<body><main>${body}</main></body></html>`;
}
