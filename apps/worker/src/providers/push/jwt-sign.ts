import { createPrivateKey, type KeyObject, sign } from "node:crypto";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A compact JWS. ES256 signatures use the raw r||s form JOSE requires, not DER. */
export function signJwt(
  header: { alg: "ES256" | "RS256"; kid?: string },
  claims: Record<string, unknown>,
  key: KeyObject | string,
): string {
  const keyObject = typeof key === "string" ? createPrivateKey(key) : key;
  const input = `${b64({ ...header, typ: "JWT" })}.${b64(claims)}`;
  const signature =
    header.alg === "ES256"
      ? sign("sha256", Buffer.from(input), { key: keyObject, dsaEncoding: "ieee-p1363" })
      : sign("sha256", Buffer.from(input), keyObject);
  return `${input}.${signature.toString("base64url")}`;
}
