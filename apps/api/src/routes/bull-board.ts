import { createBullBoard } from "@bull-board/api";
import { HonoAdapter } from "@bull-board/hono";
import { HeraldError } from "@herald/errors";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, MiddlewareHandler } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { DASHBOARD_CSP, htmlSecurityHeaders } from "../middleware/security-headers.ts";
import { sessionOf } from "../middleware/session-auth.ts";
import { acceptsHtml } from "../pages/accepts-html.ts";
import { adminsOnlyPage } from "../pages/admins-only-page.ts";
import { HeraldQueueAdapter } from "../services/bull-board-queue.ts";

export const BULL_BOARD_PATH = "/admin/queues";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const parse = (origin: string) => {
  try {
    return new URL(origin);
  } catch {
    return null; // "null" (sandboxed frames, file://) is never this origin
  }
};

/**
 * Whether a state-changing call comes from a page of this site. A browser that
 * sends `Sec-Fetch-Site` says so itself, which holds behind a reverse proxy
 * too. Without it (older browsers) the `Origin` must be this site: the host the
 * request was sent to, or `PUBLIC_URL`'s origin, since a proxy may pass on its
 * upstream's name (`api:3000`) as `Host`. No `Origin` at all is no browser's
 * cross-site call.
 */
function fromThisSite(c: Context, publicOrigin: string): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  const url = parse(origin);
  return url !== null && (url.origin === publicOrigin || url.host === c.req.header("host"));
}

/**
 * Bull Board is for admins signed in to the dashboard. A page request without
 * a session is sent to the sign-in page, and a support agent's gets a page
 * saying it is for admins (403); anything else gets the API's error shape
 * (401 not signed in, 403 not an admin). Bull Board's own calls carry no
 * CSRF token, so its state-changing calls must come from this site
 * ({@link fromThisSite}; the session cookie is SameSite=Lax on top).
 */
function adminOnly(deps: ApiDeps): MiddlewareHandler<HonoEnv> {
  const publicOrigin = new URL(deps.env.PUBLIC_URL).origin;
  return async (c, next) => {
    const found = await sessionOf(deps.db, c);
    if (!found) {
      if (c.req.method === "GET" && acceptsHtml(c)) {
        return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 302);
      }
      throw new HeraldError("unauthorized", "Sign in to the dashboard as an admin to use Bull Board.");
    }
    if (found.user.role !== "admin") {
      if (c.req.method === "GET" && acceptsHtml(c)) {
        return c.html(adminsOnlyPage(deps.env.BRAND_NAME, found.user.email), 403);
      }
      throw new HeraldError("forbidden", "Bull Board is for admins; support accounts cannot act on queues.");
    }
    if (!SAFE_METHODS.has(c.req.method) && !fromThisSite(c, publicOrigin)) {
      throw new HeraldError("forbidden", "Bull Board actions must come from Bull Board itself.");
    }
    c.set("dashboardUser", found.user);
    await next();
  };
}

/** A `<link>` to another site: Bull Board 9.10.1 links IBM Plex from fonts.googleapis.com. */
const REMOTE_LINK = /<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>\s*/gi;

/**
 * Takes the links to other sites out of Bull Board's page. Its only one is the
 * Google Fonts stylesheet, which our CSP (own origin only) refused with a
 * console error on every visit. Opening style-src/font-src to Google instead
 * would have each operator's browser call a third party, and Herald must work
 * without internet; the fonts are not shipped in the package, so there is
 * nothing to serve from here either. Bull Board's CSS falls back to system-ui.
 */
function withoutRemoteLinks(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method !== "GET" || !c.res.headers.get("content-type")?.startsWith("text/html")) return;
    const html = await c.res.text();
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    c.res = new Response(html.replace(REMOTE_LINK, ""), { status: c.res.status, headers });
  };
}

/** Bull Board at `/admin/queues` over every Herald queue, admin only. */
export function registerBullBoard(app: App, deps: ApiDeps): void {
  const adapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: deps.queues.all().map((q) => new HeraldQueueAdapter(q, deps)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: `${deps.env.BRAND_NAME} queues` } },
  });
  const guard = adminOnly(deps);
  // Its UI loads its own scripts, inline styles and a same-origin worker (syntax highlighting)
  // from here; nothing from elsewhere (see withoutRemoteLinks).
  const headers = htmlSecurityHeaders({ ...DASHBOARD_CSP, frameSrc: ["'none'"] });
  for (const path of [BULL_BOARD_PATH, `${BULL_BOARD_PATH}/*`]) {
    app.use(path, headers);
    app.use(path, guard);
    app.use(path, withoutRemoteLinks());
  }
  app.route(BULL_BOARD_PATH, adapter.registerPlugin());
}
