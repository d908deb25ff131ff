import { HeraldWebhookError } from "./errors.ts";
import type { HeraldWebhookPayload, WebhookPingPayload } from "./webhook-types.ts";

export interface VerifyWebhookOptions {
  /** Largest difference, either way, between `webhook-timestamp` and now. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The current time in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** Request headers: a fetch `Headers`, or Node's `req.headers` (names in lower case). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const PREFIX = "whsec_";
const encoder = new TextEncoder();

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const h = headers as Record<string, string | string[] | undefined>;
  const value = h[name] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function base64(value: string, what: string): Uint8Array<ArrayBuffer> {
  try {
    return Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
  } catch {
    throw new HeraldWebhookError("bad_secret", `${what} is not base64`);
  }
}

/**
 * Verifies a webhook Herald POSTed (status webhooks, dead-letter ops alerts)
 * by the Standard Webhooks scheme, and returns its parsed body. The signature
 * is HMAC-SHA256 of `webhook-id.webhook-timestamp.body` under the secret's
 * key; `webhook-signature` holds one or more space-separated `v1,<base64>`
 * (several during a secret rotation), any one of which may match. Compared in
 * constant time (WebCrypto's `verify`), so it runs in Node 20+, browsers,
 * Deno, Bun and edge runtimes alike.
 *
 * Pass the body exactly as received (before any JSON parsing: re-serialising
 * changes bytes) and the secret as configured (`whsec_…`). Throws
 * `HeraldWebhookError` when a header is missing, the timestamp is outside
 * `toleranceSeconds`, no signature matches, or the body is not JSON. Then
 * skip a `webhook-id` already processed: Herald redelivers under the same id.
 */
export async function verifyWebhook<
  T extends HeraldWebhookPayload | WebhookPingPayload = HeraldWebhookPayload,
>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  { toleranceSeconds = 300, now = Date.now }: VerifyWebhookOptions = {},
): Promise<T> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures)
    throw new HeraldWebhookError(
      "missing_headers",
      "webhook-id, webhook-timestamp and webhook-signature are required (is STATUS_WEBHOOK_SECRET / OPS_ALERT_WEBHOOK_SECRET set?)",
    );
  if (!/^\d+$/.test(timestamp))
    throw new HeraldWebhookError("bad_timestamp", "webhook-timestamp is not Unix seconds");
  const skew = Math.abs(now() / 1000 - Number(timestamp));
  if (skew > toleranceSeconds)
    throw new HeraldWebhookError(
      "bad_timestamp",
      `webhook-timestamp is ${Math.round(skew)} s from now (tolerance ${toleranceSeconds} s): a replay, or a clock off`,
    );

  const keyBytes = base64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "the secret");
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const body = typeof rawBody === "string" ? encoder.encode(rawBody) : rawBody;
  const signed = new Uint8Array(encoder.encode(`${id}.${timestamp}.`).length + body.length);
  signed.set(encoder.encode(`${id}.${timestamp}.`));
  signed.set(body, signed.length - body.length);
  let matched = false;
  for (const entry of signatures.split(" ")) {
    const [version, mac] = entry.split(",", 2);
    if (version !== "v1" || !mac) continue;
    let given: Uint8Array<ArrayBuffer>;
    try {
      given = Uint8Array.from(atob(mac), (c) => c.charCodeAt(0));
    } catch {
      continue;
    }
    if (await crypto.subtle.verify("HMAC", key, given, signed)) matched = true;
  }
  if (!matched)
    throw new HeraldWebhookError(
      "bad_signature",
      "no webhook-signature matches: the body was changed, or the secret is not the one Herald signs with",
    );
  try {
    return JSON.parse(typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody)) as T;
  } catch {
    throw new HeraldWebhookError("bad_payload", "the signed body is not JSON");
  }
}
