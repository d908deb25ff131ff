/** The bytes of a base64 or base64url string (padding allowed), or null when it is neither. */
function base64Bytes(text: string): Buffer | null {
  // Node's decoder takes both alphabets; some client libraries turn the browser's base64url into base64.
  return /^[A-Za-z0-9_+/-]+={0,2}$/.test(text) ? Buffer.from(text, "base64url") : null;
}

/**
 * Which key of a web push subscription is wrong and why, or null when a push
 * can be encrypted for them (RFC 8291): `p256dh` an uncompressed P-256 point
 * (65 bytes, 0x04 first), `auth` at least 16 bytes. Keys that fail this can
 * never be sent to, whatever the push service says.
 */
export function webPushKeysProblem(keys: {
  p256dh: string;
  auth: string;
}): { key: "p256dh" | "auth"; message: string } | null {
  const point = base64Bytes(keys.p256dh);
  if (point?.length !== 65 || point[0] !== 0x04)
    return {
      key: "p256dh",
      message: "p256dh must be the subscription's P-256 public key: 65 bytes (0x04…), base64url",
    };
  if ((base64Bytes(keys.auth)?.length ?? 0) < 16)
    return {
      key: "auth",
      message: "auth must be the subscription's auth secret: at least 16 bytes, base64url",
    };
  return null;
}
