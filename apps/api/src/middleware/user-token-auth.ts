import type { ApiKeyScope } from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";
import { USER_TOKEN_FORMAT, type UserTokens } from "../services/user-tokens.ts";
import { requireScope } from "./api-key-auth.ts";

/** A user's inbox and everything under it: the routes that take a user token. */
export const USER_TOKEN_ROUTES = /^\/v1\/users\/[^/]+\/inbox(\/.*)?$/;

/**
 * Auth for a user's own routes (`/v1/users/:userId/inbox…`): the user's token
 * (`Authorization: Bearer <token>`, or `?token=` for EventSource, which cannot
 * set headers) or, for backends, an API key in the header with the route's
 * scope. A valid token of another user is refused with 403. API keys are
 * never accepted in the query string (URLs end up in logs).
 */
export function userTokenAuth(options: {
  tokens: UserTokens;
  apiKey: MiddlewareHandler<HonoEnv>;
  scope: (method: string) => ApiKeyScope;
}): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const userId = c.req.param("userId");
    if (!userId) throw new HeraldError("not_found", "No user in the path.");
    const header = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const query = c.req.query("token");
    const token = header ?? query;
    if (!token) {
      throw new HeraldError(
        "unauthorized",
        "Send the user's token (`Authorization: Bearer <token>` or `?token=`) or an API key.",
      );
    }
    if (USER_TOKEN_FORMAT.test(token)) {
      if (await options.tokens.verify(userId, token)) return next();
      throw new HeraldError("forbidden", "This token does not give access to this user's inbox.");
    }
    if (!header) {
      throw new HeraldError(
        "unauthorized",
        "Only user tokens are accepted in the query string; send API keys as a header.",
      );
    }
    await options.apiKey(c, async () => {
      await requireScope(options.scope(c.req.method))(c, next);
    });
  };
}

/** A user's preferences: besides the inbox, the one route a user token opens (SPEC §4). */
export const USER_PREFERENCES_PATH = "/v1/users/:userId/preferences";

/**
 * Runs ahead of the app's /v1 auth on {@link USER_PREFERENCES_PATH}: a user
 * token of the path's user marks the request (`userToken`), and the app's
 * auth then lets it through; another user's token is a 403. Anything else
 * (API keys, dashboard sessions) is left to the app's auth, so scopes, CSRF
 * and the rate limit apply to them as on every other route. Header only:
 * nothing here needs EventSource's `?token=`.
 */
export function preferencesUserToken(tokens: UserTokens): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token || !USER_TOKEN_FORMAT.test(token)) return next();
    const userId = c.req.param("userId");
    if (!userId || !(await tokens.verify(userId, token))) {
      throw new HeraldError("forbidden", "This token does not give access to this user's preferences.");
    }
    c.set("userToken", userId);
    await next();
  };
}

/** `requireScope(scope)`, except for a request {@link preferencesUserToken} let in with the user's own token. */
export function requireScopeOrUserToken(scope: ApiKeyScope): MiddlewareHandler<HonoEnv> {
  const scoped = requireScope(scope);
  return async (c, next) => {
    const own = c.get("userToken");
    if (own !== undefined && own === c.req.param("userId")) return next();
    return scoped(c, next);
  };
}
