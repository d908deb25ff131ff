import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { type Db, getOrCreateSetting } from "@herald/db";

/** Per-user inbox tokens: hex HMAC-SHA256 of the user id under a server secret (like Novu's subscriber hash). */
export interface UserTokens {
  sign(userId: string): Promise<string>;
  verify(userId: string, token: string): Promise<boolean>;
}

export const USER_TOKEN_FORMAT = /^[0-9a-f]{64}$/;

/**
 * `secret` from USER_TOKEN_SECRET, or else one generated once and kept in
 * the database, so every API process signs alike and tokens survive restarts.
 * Rotating the secret invalidates every token.
 */
export function createUserTokens(db: Db, secret: string | undefined): UserTokens {
  let key: Promise<string> | undefined;
  const resolve = () => {
    key ??= secret
      ? Promise.resolve(secret)
      : getOrCreateSetting(db, "user_token_secret", () => randomBytes(32).toString("base64url")).catch(
          (err) => {
            key = undefined;
            throw err;
          },
        );
    return key;
  };
  const sign = async (userId: string) =>
    createHmac("sha256", await resolve())
      .update(userId, "utf8")
      .digest("hex");
  return {
    sign,
    async verify(userId, token) {
      if (!USER_TOKEN_FORMAT.test(token)) return false;
      const expected = Buffer.from(await sign(userId), "hex");
      return timingSafeEqual(expected, Buffer.from(token, "hex"));
    },
  };
}
