import { timingSafeEqual } from "node:crypto";
import {
  type ApiKeyRow,
  type ApiKeyScope,
  type DashboardRole,
  type DashboardSessionRow,
  type DashboardUserRow,
  type Db,
  findDashboardSession,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { HonoEnv } from "../hono-env.ts";

export const SESSION_COOKIE = "herald_session";
export const CSRF_COOKIE = "herald_csrf";
export const CSRF_HEADER = "x-csrf-token";

/**
 * What a dashboard role may do, as API-key scopes, so every /v1 route's
 * existing scope check applies unchanged. Support staff read everything and
 * edit users and preferences; only `events:write` (triggering, cancelling,
 * dead-letter retry/discard) and `admin` are the admin's.
 */
export const ROLE_SCOPES: Record<DashboardRole, ApiKeyScope[]> = {
  admin: ["admin"],
  support: ["read", "users:write"],
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A stand-in key for a signed-in dashboard user: rate-limited and logged under the user's id. */
function sessionKey(user: DashboardUserRow): ApiKeyRow {
  return {
    id: user.id,
    name: `dashboard:${user.role}`,
    prefix: "session",
    lastFour: "",
    hash: "",
    scopes: ROLE_SCOPES[user.role],
    environment: "live",
    createdAt: user.createdAt,
    lastUsedAt: null,
    revokedAt: null,
    expiresAt: null,
    rateLimit: null,
    rotatedFrom: null,
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The signed-in user and session of this request's cookie, or null. */
export async function sessionOf(
  db: Db,
  c: Context<HonoEnv>,
): Promise<{ session: DashboardSessionRow; user: DashboardUserRow } | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 100) return null;
  return findDashboardSession(db, token);
}

/**
 * State-changing calls made with the session cookie must echo the session's
 * CSRF token in `X-CSRF-Token` (the SPA reads it from the `herald_csrf`
 * cookie or the session answer). A page on another site can make the browser
 * send the cookie but can neither read the token nor set the header without
 * a CORS preflight we never grant.
 */
export function checkCsrf(c: Context<HonoEnv>, session: DashboardSessionRow): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const sent = c.req.header(CSRF_HEADER) ?? "";
  if (!sent || !sameToken(sent, session.csrfToken)) {
    throw new HeraldError(
      "forbidden",
      "Missing or wrong CSRF token: send the session's token in the X-CSRF-Token header.",
    );
  }
}

/**
 * Authenticates /v1 calls by the dashboard's session cookie: sets the
 * signed-in user and a stand-in key with the role's scopes
 * ({@link ROLE_SCOPES}), then checks CSRF on state-changing methods.
 */
export function sessionAuth(db: Db): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const found = await sessionOf(db, c);
    if (!found) throw new HeraldError("unauthorized", "Not signed in, or the session expired.");
    checkCsrf(c, found.session);
    c.set("dashboardUser", found.user);
    c.set("dashboardSession", found.session);
    c.set("apiKey", sessionKey(found.user));
    await next();
  };
}

/** True when the request carries no API key but a dashboard session cookie. */
export function usesSessionCookie(c: Context<HonoEnv>): boolean {
  return !c.req.header("authorization") && getCookie(c, SESSION_COOKIE) !== undefined;
}
