import { newId } from "@herald/ids";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

const SAFE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accepts a caller's `X-Request-Id` (so traces join up) or makes one; echoes it back. */
export function requestId(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const id = incoming && SAFE.test(incoming) ? incoming : newId("req");
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  };
}
