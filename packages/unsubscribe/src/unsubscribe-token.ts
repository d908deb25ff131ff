import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Used when `UNSUBSCRIBE_SECRET` is unset outside production, so a fresh
 * install's links work. Production refuses to start without a real secret.
 */
export const DEV_UNSUBSCRIBE_SECRET = "herald-dev-unsubscribe-secret-not-for-production";

/** What an unsubscribe link may change: one recipient's e-mail for these categories. */
export interface UnsubscribeScope {
  /** Herald's recipient id (`usr_…`), not the app's user id, which may itself be an e-mail address. */
  recipientId: string;
  /** Categories the e-mail belonged to; the one-click POST turns e-mail off for exactly these. */
  categories: string[];
}

const VERSION = "u1";

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(`${VERSION}.${payload}`).digest();
}

/**
 * `<payload>.<hmac>`, both base64url. Tokens do not expire: links in old
 * e-mails must keep working, and all one can do with one is unsubscribe.
 */
export function signUnsubscribeToken(secret: string, scope: UnsubscribeScope): string {
  const payload = b64(JSON.stringify({ r: scope.recipientId, c: scope.categories }));
  return `${payload}.${b64(mac(secret, payload))}`;
}

/** The scope of a genuine token, or null for anything forged, truncated or malformed. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeScope | null {
  if (token.length > 2048) return null;
  const [payload, sig, extra] = token.split(".");
  if (!payload || !sig || extra !== undefined) return null;
  const expected = mac(secret, payload);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      r?: unknown;
      c?: unknown;
    };
    if (typeof body.r !== "string" || !Array.isArray(body.c)) return null;
    if (!body.c.every((c) => typeof c === "string")) return null;
    return { recipientId: body.r, categories: body.c as string[] };
  } catch {
    return null;
  }
}

/** The link in the e-mail footer and in `List-Unsubscribe`: `GET` shows a confirmation page, `POST` unsubscribes. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/unsubscribe/${token}`;
}

/** RFC 8058 one-click unsubscribe headers (RFC 2369 `List-Unsubscribe` with an HTTPS URI). */
export function listUnsubscribeHeaders(url: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${url}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}
