import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Seals the stored first answers of idempotent API key creates and rotates
 * (they hold the new key's secret) with AES-256-GCM. The key is derived
 * (HKDF-SHA256) from `TRACKING_SECRET`: the one server secret the API always
 * has (required in production, a fixed development value elsewhere), so
 * nothing new to configure. Changing it makes answers sealed before
 * unreadable: their replays fail (409), nothing else about keys changes.
 * The row's caller and idempotency key are bound in as associated data, so
 * a sealed answer moved to another row does not open.
 */
export interface ReplayCipher {
  seal(plain: string, row: ReplayRowId): string;
  /** The plain answer, or null when it cannot be opened (another secret, a tampered or moved row). */
  open(sealed: string, row: ReplayRowId): string | null;
}

export interface ReplayRowId {
  callerId: string;
  idempotencyKey: string;
}

const VERSION = "v1";
const b64 = (b: Buffer) => b.toString("base64url");
const aad = (row: ReplayRowId) => Buffer.from(`${row.callerId}\u0000${row.idempotencyKey}`, "utf8");

export function createReplayCipher(secret: string): ReplayCipher {
  const key = Buffer.from(hkdfSync("sha256", secret, "herald", "api-key idempotent answers v1", 32));
  return {
    seal(plain, row) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(aad(row));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return [VERSION, b64(iv), b64(cipher.getAuthTag()), b64(body)].join(".");
    },
    open(sealed, row) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || body === undefined) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(aad(row));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch {
        return null;
      }
    },
  };
}
