import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type Db, getOrCreateSetting, getRecipient } from "@herald/db";

/**
 * What a token check found. `expired`, `unexpiring` (a plain token where
 * `USER_TOKEN_MAX_AGE` asks for expiring ones) and `revoked` tell the browser
 * to ask its backend for a new one.
 */
export type UserTokenCheck = "valid" | "invalid" | "expired" | "unexpiring" | "revoked";

export interface SignedUserToken {
  token: string;
  /** Null for a plain token, which does not expire. */
  expiresAt: Date | null;
}

/**
 * Per-user inbox tokens. Plain: hex HMAC-SHA256 of the user id under a server
 * secret (SPEC; like Novu's subscriber hash), which never expires. Expiring:
 * `v2.<issued ms>.<expires ms>.<hex HMAC of the user id and both times>`.
 */
export interface UserTokens {
  /**
   * A plain token, or with `expiresInMs` an expiring one. `revokedAt` (the
   * user's `tokens_valid_from`, if any) puts the issue time after it, so a
   * token issued in the revocation's own millisecond still opens the inbox.
   */
  sign(userId: string, options?: { expiresInMs?: number; revokedAt?: Date | null }): Promise<SignedUserToken>;
  check(userId: string, token: string): Promise<UserTokenCheck>;
}

export interface UserTokenOptions {
  /** `USER_TOKEN_SECRET`; unset: one generated once and kept in the database. */
  secret?: string | undefined;
  /**
   * `USER_TOKEN_MAX_AGE` in ms: plain tokens are refused, and so are expiring
   * ones that were issued to live longer. Default: unset (plain tokens work).
   */
  maxAgeMs?: number | undefined;
}

/** The shortest life an expiring token may be given, and `USER_TOKEN_MAX_AGE` set to: a minute. */
export const USER_TOKEN_MIN_TTL_MS = 60_000;

const PLAIN = /^[0-9a-f]{64}$/;
const EXPIRING = /^v2\.(\d{13})\.(\d{13})\.([0-9a-f]{64})$/;

/** When an expiring token expires (ms since 1970); null for a plain token or anything else. */
export function userTokenExpiry(token: string): number | null {
  const m = EXPIRING.exec(token);
  return m ? Number(m[2]) : null;
}

/** Either form, so a malformed value is sent on to the API-key check rather than judged as a token. */
export const looksLikeUserToken = (token: string) => PLAIN.test(token) || EXPIRING.test(token);

const equal = (hex: string, expected: string) =>
  timingSafeEqual(Buffer.from(hex, "hex"), Buffer.from(expected, "hex"));

/**
 * The secret is resolved once, so every API process signs alike and tokens
 * survive restarts; rotating it invalidates every token. A check reads the
 * user's `tokens_valid_from` (set by a revocation or an erase): tokens issued
 * before it, and plain ones, are then refused.
 */
export function createUserTokens(db: Db, options: UserTokenOptions = {}): UserTokens {
  let key: Promise<string> | undefined;
  const resolve = () => {
    key ??= options.secret
      ? Promise.resolve(options.secret)
      : getOrCreateSetting(db, "user_token_secret", () => randomBytes(32).toString("base64url")).catch(
          (err) => {
            key = undefined;
            throw err;
          },
        );
    return key;
  };
  const hmac = async (text: string) =>
    createHmac("sha256", await resolve())
      .update(text, "utf8")
      .digest("hex");
  // The user id last: it may hold any character, the times only digits.
  const expiringMac = (userId: string, issued: string, expires: string) =>
    hmac(`v2\n${issued}\n${expires}\n${userId}`);

  return {
    async sign(userId, signOptions = {}) {
      if (signOptions.expiresInMs === undefined) return { token: await hmac(userId), expiresAt: null };
      const issued = String(Math.max(Date.now(), (signOptions.revokedAt?.getTime() ?? 0) + 1));
      const expires = String(Number(issued) + signOptions.expiresInMs);
      return {
        token: `v2.${issued}.${expires}.${await expiringMac(userId, issued, expires)}`,
        expiresAt: new Date(Number(expires)),
      };
    },

    async check(userId, token) {
      const expiring = EXPIRING.exec(token);
      if (!expiring && !PLAIN.test(token)) return "invalid";
      const genuine = expiring
        ? equal(expiring[3]!, await expiringMac(userId, expiring[1]!, expiring[2]!))
        : equal(token, await hmac(userId));
      if (!genuine) return "invalid";
      const issued = expiring ? Number(expiring[1]) : null;
      const expires = expiring ? Number(expiring[2]) : null;
      if (issued === null || expires === null) {
        if (options.maxAgeMs !== undefined) return "unexpiring";
      } else if (
        expires <= Date.now() ||
        (options.maxAgeMs !== undefined && expires - issued > options.maxAgeMs)
      ) {
        return "expired";
      }
      const validFrom = (await getRecipient(db, userId))?.tokensValidFrom;
      // Times are whole milliseconds, a revocation's (the database's, for an erase) finer: one issued in the
      // revocation's millisecond may be from before it, so it is refused (sign issues after it).
      if (validFrom && (issued === null || issued <= validFrom.getTime())) return "revoked";
      return "valid";
    },
  };
}
