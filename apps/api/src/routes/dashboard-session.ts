import {
  createDashboardSession,
  type DashboardSessionRow,
  type DashboardUserRow,
  deleteDashboardSession,
  verifyDashboardLogin,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { CSRF_COOKIE, SESSION_COOKIE } from "../middleware/session-auth.ts";
import { commonErrors } from "../schemas/common.ts";
import { LoginSchema, SessionSchema } from "../schemas/dashboard.ts";

const sessionAnswer = {
  description: "The signed-in user",
  content: { "application/json": { schema: SessionSchema } },
};

const login = createRoute({
  method: "post",
  path: "/v1/dashboard/session",
  tags: ["Dashboard"],
  summary: "Sign in to the dashboard",
  description:
    "Sets the `herald_session` cookie (httpOnly, SameSite=Lax, Secure outside plain-http localhost) and the " +
    "`herald_csrf` cookie. 401 for a wrong e-mail or password; 429 after 10 failures for one e-mail in 15 minutes.",
  security: [],
  request: { body: { required: true, content: { "application/json": { schema: LoginSchema } } } },
  responses: { 200: sessionAnswer, ...commonErrors },
});

const current = createRoute({
  method: "get",
  path: "/v1/dashboard/session",
  tags: ["Dashboard"],
  summary: "The signed-in dashboard user and the CSRF token",
  description: "401 without a dashboard session (API keys have none).",
  security: [{ DashboardSession: [] }],
  responses: { 200: sessionAnswer, ...commonErrors },
});

const logout = createRoute({
  method: "delete",
  path: "/v1/dashboard/session",
  tags: ["Dashboard"],
  summary: "Sign out of the dashboard",
  description: "Ends the session and clears its cookies. Needs `X-CSRF-Token` (else 403).",
  security: [{ DashboardSession: [] }],
  responses: {
    200: {
      description: "Signed out",
      content: {
        "application/json": {
          schema: z
            .object({ signedOut: z.boolean() })
            .openapi("DashboardSignedOut", { example: { signedOut: true } }),
        },
      },
    },
    ...commonErrors,
  },
});

const MAX_FAILURES = 10;
const FAILURE_WINDOW_S = 15 * 60;

function answer(user: DashboardUserRow, session: Pick<DashboardSessionRow, "csrfToken" | "expiresAt">) {
  return {
    user: { id: user.id, email: user.email, role: user.role },
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt.toISOString(),
  };
}

function signedIn(c: Context<HonoEnv>) {
  const user = c.get("dashboardUser");
  const session = c.get("dashboardSession");
  if (!user || !session)
    throw new HeraldError("unauthorized", "This route needs a dashboard session, not an API key.");
  return { user, session };
}

/** Failed sign-ins per e-mail in Redis (shared by every API process); Redis down → not limited. */
async function countFailure(deps: ApiDeps, email: string, add: boolean): Promise<number> {
  const key = `${deps.env.QUEUE_PREFIX}:dashboard:login-failures:${email.trim().toLowerCase()}`;
  try {
    if (!add) return Number((await deps.redis.get(key)) ?? 0);
    const n = await deps.redis.incr(key);
    if (n === 1) await deps.redis.expire(key, FAILURE_WINDOW_S);
    return n;
  } catch {
    return 0;
  }
}

/** Dashboard sign-in, the current session, sign-out. */
export function registerDashboardSession(app: App, deps: ApiDeps): void {
  const cookie = {
    path: "/",
    sameSite: "Lax" as const,
    secure: deps.env.DASHBOARD_COOKIE_SECURE,
  };

  app.openapi(login, async (c) => {
    const { email, password } = c.req.valid("json");
    if ((await countFailure(deps, email, false)) >= MAX_FAILURES) {
      throw new HeraldError("rate_limited", "Too many failed sign-ins for this e-mail; try again later.", {
        retryAfter: FAILURE_WINDOW_S,
      });
    }
    const user = await verifyDashboardLogin(deps.db, email, password);
    if (!user) {
      await countFailure(deps, email, true);
      throw new HeraldError("unauthorized", "Wrong e-mail or password.");
    }
    // A fresh token on every sign-in (no session fixation); the old cookie's session ends.
    const old = getCookie(c, SESSION_COOKIE);
    if (old && old.length <= 100) await deleteDashboardSession(deps.db, old);
    const ttl = deps.env.DASHBOARD_SESSION_TTL;
    const created = await createDashboardSession(deps.db, user.id, ttl, c.req.header("user-agent"));
    const maxAge = Math.floor(ttl / 1000);
    setCookie(c, SESSION_COOKIE, created.token, { ...cookie, httpOnly: true, maxAge });
    setCookie(c, CSRF_COOKIE, created.csrfToken, { ...cookie, httpOnly: false, maxAge });
    deps.logger.info({ dashboardUserId: user.id, role: user.role }, "dashboard sign-in");
    return c.json(answer(user, created.session), 200);
  });

  app.openapi(current, async (c) => {
    const { user, session } = signedIn(c);
    return c.json(answer(user, session), 200);
  });

  app.openapi(logout, async (c) => {
    const { user } = signedIn(c);
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deleteDashboardSession(deps.db, token);
    deleteCookie(c, SESSION_COOKIE, cookie);
    deleteCookie(c, CSRF_COOKIE, cookie);
    deps.logger.info({ dashboardUserId: user.id }, "dashboard sign-out");
    return c.json({ signedOut: true }, 200);
  });
}
