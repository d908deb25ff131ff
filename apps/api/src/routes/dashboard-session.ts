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
import { noteAudit } from "../middleware/audited.ts";
import { clientAddress } from "../middleware/client-address.ts";
import { CSRF_COOKIE, SESSION_COOKIE } from "../middleware/session-auth.ts";
import { commonErrors } from "../schemas/common.ts";
import { LoginSchema, SessionSchema } from "../schemas/dashboard.ts";
import { type Attempt, createSignInAttempts, type SignInAttempts } from "../services/sign-in-attempts.ts";

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
    "`herald_csrf` cookie. 401 for a wrong e-mail or password; 429 (with `Retry-After`) after 10 failures for one " +
    "e-mail in 15 minutes, or past `DASHBOARD_SIGN_IN_RATE_LIMIT` attempts from one client address (default 30 " +
    "in 10 minutes). Attempts count before the password is checked; a successful one is not counted.",
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
const FAILURE_WINDOW_MS = 15 * 60_000;

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

/**
 * Takes one attempt from a sign-in budget, or throws 429 when it is spent.
 * Redis down: not limited (null), as the API's other limits, rather than no
 * one able to sign in.
 */
async function takeAttempt(
  deps: ApiDeps,
  attempts: SignInAttempts,
  budget: { id: string; max: number; windowMs: number; refusal: string },
): Promise<Attempt | null> {
  let attempt: Attempt;
  try {
    attempt = await attempts.take(budget.id, budget.max, budget.windowMs);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message }, "sign-in limits unavailable; not limiting");
    return null;
  }
  if (!attempt.allowed) {
    throw new HeraldError("rate_limited", `${budget.refusal}; retry in ${attempt.retryAfterS} s.`, {
      retryAfter: attempt.retryAfterS,
    });
  }
  return attempt;
}

/** Dashboard sign-in, the current session, sign-out. */
export function registerDashboardSession(app: App, deps: ApiDeps): void {
  const cookie = {
    path: "/",
    sameSite: "Lax" as const,
    secure: deps.env.DASHBOARD_COOKIE_SECURE,
  };

  const attempts = createSignInAttempts(deps.redis, `${deps.env.QUEUE_PREFIX}:dashboard`);
  const perAddress = deps.env.DASHBOARD_SIGN_IN_RATE_LIMIT;

  // Recorded when it succeeds (a wrong password has no actor: the sign-in limits and the log see those).
  app.openapi(deps.audit.route(login, "dashboard_session.sign_in"), async (c) => {
    const { email, password } = c.req.valid("json");
    // Both budgets are taken before the password is checked: checking first and counting after
    // let every guess of a concurrent burst through while the count still read low.
    const taken: Attempt[] = [];
    const giveBack = () => Promise.all(taken.map((a) => a.giveBack().catch(() => {})));
    let user: DashboardUserRow | null;
    try {
      if (perAddress) {
        const attempt = await takeAttempt(deps, attempts, {
          id: `sign-in-address:${clientAddress(c, deps.env.TRUST_PROXY)}`,
          ...perAddress,
          refusal: "Too many sign-in attempts from this address",
        });
        if (attempt) taken.push(attempt);
      }
      const attempt = await takeAttempt(deps, attempts, {
        // The earlier failure counter's key, so a deploy keeps the counts it finds.
        id: `login-failures:${email.trim().toLowerCase()}`,
        max: MAX_FAILURES,
        windowMs: FAILURE_WINDOW_MS,
        refusal: "Too many failed sign-ins for this e-mail",
      });
      if (attempt) taken.push(attempt);
      user = await verifyDashboardLogin(deps.db, email, password);
    } catch (err) {
      // A refused attempt keeps the slots it took (hammering a locked e-mail spends the
      // address's budget); one that could not be checked (PostgreSQL down) is no failure.
      if (!(err instanceof HeraldError)) await giveBack();
      throw err;
    }
    // A wrong password keeps its slots: failures are what the budgets count. A success
    // gives back only its own, so it neither resets nor spends anyone else's count.
    if (!user) throw new HeraldError("unauthorized", "Wrong e-mail or password.");
    await giveBack();
    return signIn(c, user);
  });

  async function signIn(c: Context<HonoEnv>, user: DashboardUserRow) {
    // A fresh token on every sign-in (no session fixation); the old cookie's session ends.
    const old = getCookie(c, SESSION_COOKIE);
    if (old && old.length <= 100) await deleteDashboardSession(deps.db, old);
    const ttl = deps.env.DASHBOARD_SESSION_TTL;
    const created = await createDashboardSession(deps.db, user.id, ttl, c.req.header("user-agent"));
    const maxAge = Math.floor(ttl / 1000);
    setCookie(c, SESSION_COOKIE, created.token, { ...cookie, httpOnly: true, maxAge });
    setCookie(c, CSRF_COOKIE, created.csrfToken, { ...cookie, httpOnly: false, maxAge });
    deps.logger.info({ dashboardUserId: user.id, role: user.role }, "dashboard sign-in");
    noteAudit(c, {
      actor: { via: "dashboard", id: user.id, name: user.email },
      details: { role: user.role },
    });
    return c.json(answer(user, created.session), 200);
  }

  app.openapi(current, async (c) => {
    const { user, session } = signedIn(c);
    return c.json(answer(user, session), 200);
  });

  app.openapi(deps.audit.route(logout, "dashboard_session.sign_out", { callers: "dashboard" }), async (c) => {
    const { user } = signedIn(c);
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deleteDashboardSession(deps.db, token);
    deleteCookie(c, SESSION_COOKIE, cookie);
    deleteCookie(c, CSRF_COOKIE, cookie);
    deps.logger.info({ dashboardUserId: user.id }, "dashboard sign-out");
    return c.json({ signedOut: true }, 200);
  });
}
