import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { App } from "../hono-env.ts";
import { htmlSecurityHeaders } from "../middleware/security-headers.ts";
import { notFound } from "../on-error.ts";
import { acceptsHtml } from "../pages/accepts-html.ts";

/**
 * The dashboard's client-side routes: each is answered with index.html so a
 * reload or a shared link works. Listed explicitly so an unknown API path
 * still gets the API's JSON 404.
 */
export const DASHBOARD_ROUTES = [
  "/",
  "/login",
  "/failures",
  "/notifications",
  "/notifications/*",
  "/users",
  "/users/*",
  "/templates",
  "/outbox",
  "/accounts",
];

/**
 * Serves the built dashboard (apps/dashboard/dist) at `/`. The page itself
 * holds no data: everything comes from /v1 calls that need a session.
 */
export function registerDashboard(app: App, dir: string): void {
  const index = join(dir, "index.html");
  // The dashboard's CSP (own scripts only, no framing); registered before its routes.
  for (const path of [...DASHBOARD_ROUTES, "/assets/*", "/favicon.svg"]) app.use(path, htmlSecurityHeaders());
  if (!existsSync(index)) {
    app.get("/", (c) =>
      c.text(
        "Herald API is running. Build the dashboard with `npm run build -w @herald/dashboard` to see it here.",
        200,
      ),
    );
    return;
  }
  const html = readFileSync(index, "utf8");
  app.use("/assets/*", serveStatic({ root: dir }));
  app.use("/favicon.svg", serveStatic({ root: dir }));
  for (const path of DASHBOARD_ROUTES) app.get(path, (c) => c.html(html));
  // Any other page a browser asks for (a mistyped or outdated link) gets the dashboard, which shows
  // its own "Page not found", with status 404; API clients and /v1 paths keep the JSON 404.
  app.get(
    "*",
    (c, next) => (!c.req.path.startsWith("/v1/") && acceptsHtml(c) ? next() : notFound(c)),
    htmlSecurityHeaders(),
    (c) => c.html(html, 404),
  );
}
