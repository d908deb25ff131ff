import type { Logger } from "@herald/logger";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { HonoEnv } from "../hono-env.ts";
import type { HttpMetrics } from "../services/http-metrics.ts";

const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * The pattern of the route the request was for: the first matched one
 * registered for a method (`app.use` middleware matches as `ALL`). Not the
 * last matched: for a GET that is the dashboard's `/*` fallback, registered
 * after every API route, which every GET matches too. A request that only
 * middleware matched (an unknown POST) logs the last of those.
 */
export function answeringRoute(c: Context): string {
  const routes = matchedRoutes(c);
  return (routes.find((r) => r.method !== "ALL") ?? routes.at(-1))?.path ?? "(none)";
}

/**
 * One line per request: method, route pattern (`/v1/users/:userId`, never the
 * concrete path: user ids are often e-mail addresses, and percent-encoded ones
 * would slip past the scrubber), status, duration, request id and the API
 * key's id. Query strings are left out for the same reason. The same request
 * is counted in `metrics`.
 */
export function accessLog(logger: Logger, metrics: HttpMetrics): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const elapsed = performance.now() - started;
    const line = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route: answeringRoute(c),
      status: c.res.status,
      ms: Math.round(elapsed * 10) / 10,
      apiKeyId: c.get("apiKey")?.id,
    };
    metrics.record(line.method, line.route, line.status, elapsed / 1000);
    if (QUIET.has(c.req.path)) logger.debug(line, "request");
    else logger.info(line, "request");
  };
}
