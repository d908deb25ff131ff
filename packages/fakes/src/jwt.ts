import { createPublicKey, type KeyObject, verify } from "node:crypto";

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const json = (part: string) =>
  JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

/**
 * Verifies a compact JWS signed with ES256 or RS256 against `key` and
 * returns its header and claims; throws when malformed or the signature is wrong.
 */
export function verifyJwt(token: string, key: KeyObject): DecodedJwt {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("not a compact JWT");
  const [h, c, s] = parts as [string, string, string];
  const header = json(h);
  const signed = Buffer.from(`${h}.${c}`);
  const signature = Buffer.from(s, "base64url");
  let ok: boolean;
  if (header.alg === "ES256") {
    ok = verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, signature);
  } else if (header.alg === "RS256") {
    ok = verify("sha256", signed, key, signature);
  } else {
    throw new Error(`unsupported alg ${String(header.alg)}`);
  }
  if (!ok) throw new Error("bad signature");
  return { header, claims: json(c) };
}

/** A P-256 public key from its uncompressed point (VAPID `k=`, web push `p256dh`). */
export function p256PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("not an uncompressed P-256 point");
  return createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: raw.subarray(1, 33).toString("base64url"),
      y: raw.subarray(33, 65).toString("base64url"),
    },
    format: "jwk",
  });
}
