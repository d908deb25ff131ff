import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { App } from "../hono-env.ts";
import { htmlSecurityHeaders } from "../middleware/security-headers.ts";

/**
 * Serves the built dashboard (apps/dashboard/dist) at `/`. Unknown paths
 * that are not API routes get index.html so client-side routes survive a reload.
 */
export function registerDashboard(app: App, dir: string): void {
  const index = join(dir, "index.html");
  // The dashboard's CSP (own scripts only, no framing); registered before its routes.
  app.use("/", htmlSecurityHeaders());
  app.use("/assets/*", htmlSecurityHeaders());
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
  app.get("/", (c) => c.html(html));
}
