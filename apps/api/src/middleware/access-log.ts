import type { Logger } from "@herald/logger";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * One line per request: method, path, status, duration, request id and the
 * API key's id. Query strings are left out (they carry user ids and
 * filters); the path goes through the logger's scrubber like everything else.
 */
export function accessLog(logger: Logger): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const line = {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      apiKeyId: c.get("apiKey")?.id,
    };
    if (QUIET.has(c.req.path)) logger.debug(line, "request");
    else logger.info(line, "request");
  };
}
