import type { ApiKeyScope } from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";
import {
  looksLikeUserToken,
  type UserTokenCheck,
  type UserTokens,
  userTokenExpiry,
} from "../services/user-tokens.ts";
import { requireScope } from "./api-key-auth.ts";

/** A user's inbox and everything under it: the routes that take a user token. */
export const USER_TOKEN_ROUTES = /^\/v1\/users\/[^/]+\/inbox(\/.*)?$/;

/** A user's preferences: besides the inbox, the one route a user token opens (SPEC §4). */
export const USER_PREFERENCES_PATH = "/v1/users/:userId/preferences";

export interface UserTokenAuthOptions {
  tokens: UserTokens;
  /** What the token opens, as a refusal names it: "inbox", "preferences". */
  opens: string;
  /**
   * Also take the token as `?token=` on GET requests, for EventSource, which
   * cannot set headers. Changes (POST…) still need the header: a URL ends up
   * in proxies' and servers' logs. Default false: the header only.
   */
  queryToken?: boolean;
  /** Handles a request without a user token (an API key, a dashboard session, nothing). */
  otherwise: MiddlewareHandler<HonoEnv>;
}

const bearer = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];

const STALE: Partial<Record<UserTokenCheck, string>> = {
  expired: "This user token has expired",
  unexpiring: "This server accepts only expiring user tokens (USER_TOKEN_MAX_AGE)",
  revoked: "This user token was revoked",
};

/**
 * A user token of the path's user (`Authorization: Bearer <token>`) marks the
 * request (`userToken`) and lets it through; a token that is not this user's
 * is refused with 403, an expired or revoked one of theirs with 401 (the
 * browser should get a new one). A request without a user token goes to `otherwise`.
 */
export function userTokenAuth(options: UserTokenAuthOptions): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const inQuery = options.queryToken ? c.req.query("token") : undefined;
    const reads = c.req.method === "GET" || c.req.method === "HEAD";
    const header = bearer(c.req.header("authorization"));
    if (!header && inQuery && !reads && looksLikeUserToken(inQuery)) {
      throw new HeraldError(
        "unauthorized",
        "A user token in the query string is taken only by GET requests (EventSource); send it as `Authorization: Bearer <token>`.",
      );
    }
    const token = header ?? (reads ? inQuery : undefined);
    if (!token || !looksLikeUserToken(token)) return options.otherwise(c, next);
    const userId = c.req.param("userId");
    const check = userId ? await options.tokens.check(userId, token) : "invalid";
    const stale = STALE[check];
    if (stale) {
      throw new HeraldError(
        "unauthorized",
        `${stale}: get a new one from your backend (GET /v1/users/${userId}/token).`,
      );
    }
    if (check !== "valid") {
      throw new HeraldError("forbidden", `This token does not give access to this user's ${options.opens}.`);
    }
    c.set("userToken", userId);
    c.set("userTokenValue", token);
    const expiresAt = userTokenExpiry(token);
    if (expiresAt !== null) c.set("userTokenExpiresAt", expiresAt);
    await next();
  };
}

/**
 * For a request {@link userTokenAuth} found no user token on: an API key in
 * the header with the scope `scope` gives for the method. API keys are never
 * accepted in the query string (URLs end up in logs).
 */
export function apiKeyInHeader(options: {
  apiKey: MiddlewareHandler<HonoEnv>;
  scope: (method: string) => ApiKeyScope;
}): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    if (!bearer(c.req.header("authorization"))) {
      throw new HeraldError(
        "unauthorized",
        c.req.query("token")
          ? "Only user tokens are accepted in the query string; send API keys as a header."
          : "Send the user's token (`Authorization: Bearer <token>` or `?token=`) or an API key.",
      );
    }
    await options.apiKey(c, async () => {
      await requireScope(options.scope(c.req.method))(c, next);
    });
  };
}

/** `requireScope(scope)`, except for a request {@link userTokenAuth} let in with the user's own token. */
export function requireScopeOrUserToken(scope: ApiKeyScope): MiddlewareHandler<HonoEnv> {
  const scoped = requireScope(scope);
  return async (c, next) => {
    const own = c.get("userToken");
    if (own !== undefined && own === c.req.param("userId")) return next();
    return scoped(c, next);
  };
}
