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
    // The path as it came (still percent-encoded, so nothing in it can break the header) with a
    // single leading slash: `//evil.example/` must not become a Location that leaves the site.
    const url = new URL(c.req.url);
    const trimmed = url.pathname.replace(/\/+$/, "").replace(/^[/\\]+/, "");
    c.res = new Response(null, { status: 301, headers: { Location: `/${trimmed}${url.search}` } });
  };
}
