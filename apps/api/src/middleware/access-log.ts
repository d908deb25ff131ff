import type { Logger } from "@herald/logger";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { HonoEnv } from "../hono-env.ts";

const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * One line per request: method, route pattern (`/v1/users/:userId`, never the
 * concrete path: user ids are often e-mail addresses, and percent-encoded ones
 * would slip past the scrubber), status, duration, request id and the API
 * key's id. Query strings are left out for the same reason.
 */
export function accessLog(logger: Logger): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const line = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routePath(c, -1) || "(none)",
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      apiKeyId: c.get("apiKey")?.id,
    };
    if (QUIET.has(c.req.path)) logger.debug(line, "request");
    else logger.info(line, "request");
  };
}
