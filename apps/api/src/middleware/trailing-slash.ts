import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

/**
 * A GET that found nothing at `/path/` is sent to `/path` (301), so
 * `/admin/queues/` or a dashboard page typed with a slash works. The Location
 * is relative: behind a TLS-terminating proxy an absolute URL built from the
 * request would say http:// (hono's own `trimTrailingSlash` does that).
 */
export function trailingSlashRedirect(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    await next();
    const { path, method } = c.req;
    if (
      c.res.status !== 404 ||
      (method !== "GET" && method !== "HEAD") ||
      path === "/" ||
      !path.endsWith("/")
    )
      return;
    const search = new URL(c.req.url).search;
    c.res = new Response(null, {
      status: 301,
      headers: { Location: `${path.replace(/\/+$/, "") || "/"}${search}` },
    });
  };
}
