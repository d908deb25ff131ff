import { isTrackableUrl, trackingLinks } from "./tracking-token.ts";

export interface EmailTrackingOptions {
  notificationId: string;
  /** Where Herald is reachable (`PUBLIC_URL`): the pixel and redirects point there. */
  baseUrl: string;
  /** The server secret the tokens are signed with (`TRACKING_SECRET`). */
  secret: string;
  /** Add the open pixel. */
  opens: boolean;
  /** Rewrite links through the click redirect. */
  clicks: boolean;
}

const ANCHOR_HREF = /(<a\b[^>]*?\bhref\s*=\s*)("([^"]*)"|'([^']*)')/gi;
const NAMED: Record<string, string> = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">", nbsp: "\u00a0" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;");

/**
 * Where the last `</body>` (any case) starts, or -1. Walks back over closing
 * tags from the end, where it is, instead of lower-casing a copy of the whole
 * e-mail for every notification.
 */
function lastBodyClose(html: string): number {
  for (let at = html.lastIndexOf("</"); at >= 0; at = at > 0 ? html.lastIndexOf("</", at - 1) : -1) {
    if (html.slice(at + 2, at + 7).toLowerCase() === "body>") return at;
  }
  return -1;
}

/**
 * Adds Herald's open pixel and routes every external http(s) link through a
 * signed click redirect. Pure: same input, same output. Links back to Herald
 * itself (unsubscribe, preferences) and non-web links (`mailto:`, `tel:`,
 * anchors) are left alone; the plain-text part is not touched.
 */
export function addEmailTracking(html: string, options: EmailTrackingOptions): string {
  if (!options.opens && !options.clicks) return html;
  const links = trackingLinks(options.baseUrl, options.secret, options.notificationId);
  const own = options.baseUrl.replace(/\/$/, "");
  let out = html;
  if (options.clicks) {
    out = out.replace(ANCHOR_HREF, (whole, start: string, _q: string, dq?: string, sq?: string) => {
      const href = decodeEntities((dq ?? sq ?? "").trim());
      if (!isTrackableUrl(href) || href === own || href.startsWith(`${own}/`)) return whole;
      return `${start}"${escapeAttr(links.click(href))}"`;
    });
  }
  if (options.opens) {
    const pixel = `<img src="${escapeAttr(links.open())}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
    const close = lastBodyClose(out);
    out = close >= 0 ? `${out.slice(0, close)}${pixel}${out.slice(close)}` : `${out}${pixel}`;
  }
  return out;
}
