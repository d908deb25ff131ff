import { createHmac, randomBytes } from "node:crypto";
import { OPS_ALERT_SIGNATURE_HEADERS } from "@herald/jobs";

const PREFIX = "whsec_";
// Standard Webhooks: a symmetric secret has 24 to 64 random bytes.
const MIN_BYTES = 24;
const MAX_BYTES = 64;

/** How to make a secret, for the error that refuses one. */
export const WEBHOOK_SECRET_HINT = 'make one with: echo "whsec_$(openssl rand -base64 32)"';

/**
 * A Standard Webhooks signing secret, `whsec_` + base64 of 24 to 64 random
 * bytes, as its key bytes. Only that form: every Standard Webhooks and Svix
 * library base64-decodes the secret it is given (with or without the prefix),
 * so a raw passphrase would be one key here and another at the receiver, and
 * every alert would fail verification. The message never repeats the value.
 */
export function parseWebhookSecret(value: string): Buffer {
  if (!value.startsWith(PREFIX))
    throw new Error(`must start with "${PREFIX}" (a Standard Webhooks secret); ${WEBHOOK_SECRET_HINT}`);
  const encoded = value.slice(PREFIX.length);
  const key = Buffer.from(encoded, "base64");
  // Buffer.from skips what is not base64; a secret that does not survive the round trip is not what the receiver decodes.
  if (encoded.length === 0 || key.toString("base64") !== encoded)
    throw new Error(`is not "${PREFIX}" followed by standard, padded base64; ${WEBHOOK_SECRET_HINT}`);
  if (key.length < MIN_BYTES || key.length > MAX_BYTES)
    throw new Error(
      `decodes to ${key.length} bytes; Standard Webhooks wants ${MIN_BYTES} to ${MAX_BYTES}; ${WEBHOOK_SECRET_HINT}`,
    );
  return key;
}

/** A new secret in the one accepted form: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

/**
 * The Standard Webhooks headers of one delivery attempt: `webhook-signature`
 * is `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under `key`; with
 * several keys (a secret being rotated: the new one and the old one), one
 * such signature per key, space-separated, which receivers accept when any
 * matches. `timestampS` is the attempt's time in Unix seconds (receivers
 * refuse one more than 5 minutes off); `id` stays the same across attempts.
 */
export function signWebhook(
  key: Uint8Array | readonly Uint8Array[],
  id: string,
  timestampS: number,
  body: string,
) {
  // The signed content is dot-separated: an id with a dot could be made to sign another split.
  if (id.includes(".")) throw new Error(`webhook id ${id} contains a "."`);
  const timestamp = String(Math.floor(timestampS));
  const keys = key instanceof Uint8Array ? [key] : key;
  const signatures = keys.map(
    (k) => `v1,${createHmac("sha256", k).update(`${id}.${timestamp}.${body}`).digest("base64")}`,
  );
  return {
    [OPS_ALERT_SIGNATURE_HEADERS.id]: id,
    [OPS_ALERT_SIGNATURE_HEADERS.timestamp]: timestamp,
    [OPS_ALERT_SIGNATURE_HEADERS.signature]: signatures.join(" "),
  };
}
