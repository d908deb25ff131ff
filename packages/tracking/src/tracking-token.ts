import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * `open`: the pixel. `click`: a redirect to the link the token carries.
 * `push`: a web push's click report (`POST /v1/push/clicks?token=`).
 */
export type TrackingKind = "open" | "click" | "push";

export interface TrackingClaims {
  notificationId: string;
  /** The original link (click tokens only). */
  url?: string;
}

// 128 bits of HMAC-SHA256 are plenty against forgery and keep links short.
const MAC_BYTES = 16;
const NOTIFICATION_ID = /^ntf_[0-9a-z]{1,64}$/;
const MAX_TOKEN_LENGTH = 8192;

function mac(secret: string, kind: TrackingKind, payload: string): Buffer {
  // The kind is signed too, so an open token can never be replayed as a click token.
  return createHmac("sha256", secret)
    .update(`herald-tracking.v1.${kind}.${payload}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

/** Whether `url` is an absolute http(s) link: the only kind a click token may carry. */
export function isTrackableUrl(url: string): boolean {
  // Whitespace and control characters never belong in a link we redirect to (header injection).
  if (/[\s\p{Cc}]/u.test(url)) return false;
  try {
    const u = new URL(url);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** A token `<payload>.<mac>` (both base64url) carrying the notification id and, for clicks, the link. */
export function signTrackingToken(secret: string, kind: TrackingKind, claims: TrackingClaims): string {
  if (!NOTIFICATION_ID.test(claims.notificationId)) throw new Error("not a notification id");
  if (kind === "click" && (!claims.url || !isTrackableUrl(claims.url))) {
    throw new Error("a click token needs an absolute http(s) URL");
  }
  const body = kind === "click" ? { n: claims.notificationId, u: claims.url } : { n: claims.notificationId };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return `${payload}.${mac(secret, kind, payload).toString("base64url")}`;
}

/**
 * The claims of a token this server signed, or null for anything else
 * (tampered, truncated, signed with another secret, the wrong kind). The MAC
 * is compared in constant time before the payload is even decoded.
 */
export function verifyTrackingToken(
  secret: string,
  kind: TrackingKind,
  token: string,
): TrackingClaims | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const dot = token.indexOf(".");
  if (dot <= 0 || dot !== token.lastIndexOf(".")) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = mac(secret, kind, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const { n, u } = (body ?? {}) as { n?: unknown; u?: unknown };
  if (typeof n !== "string" || !NOTIFICATION_ID.test(n)) return null;
  if (kind !== "click") return { notificationId: n };
  if (typeof u !== "string" || !isTrackableUrl(u)) return null;
  return { notificationId: n, url: u };
}

/** Builds the public tracking URLs of one notification. */
export function trackingLinks(baseUrl: string, secret: string, notificationId: string) {
  const base = baseUrl.replace(/\/$/, "");
  return {
    open: () => `${base}/t/o/${signTrackingToken(secret, "open", { notificationId })}`,
    click: (url: string) => `${base}/t/c/${signTrackingToken(secret, "click", { notificationId, url })}`,
    /**
     * Where a web push's click is reported: signed, so that only the push's
     * recipient (whose device got the URL) can mark it clicked and read, not
     * whoever guesses a notification id.
     */
    pushClick: () => `${base}/v1/push/clicks?token=${signTrackingToken(secret, "push", { notificationId })}`,
  };
}
