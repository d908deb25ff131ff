import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

const JSON_ESSENCE = /^application\/([\w.-]+\+)?json$/i;
/** What the OpenAPI routes' own check accepts: `application/json` and `;param=value` pairs, no spaces before `;`. */
const STRICT_JSON = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/**
 * A JSON `Content-Type` in the shape the routes' check accepts, or null when
 * it already is one or is not JSON at all. HTTP allows whitespace around each
 * `;` and empty parameters (RFC 9110 §8.3.1: `application/json ; charset=utf-8`,
 * `application/json;`), which @hono/zod-openapi's check refused with a 415
 * though the body was JSON.
 */
export function canonicalJsonType(value: string): string | null {
  if (STRICT_JSON.test(value)) return null;
  const [essence = "", ...params] = value.split(";").map((part) => part.trim());
  if (!JSON_ESSENCE.test(essence)) return null;
  return [essence.toLowerCase(), ...params.filter((p) => p !== "")].join("; ");
}

/** Rewrites a JSON `Content-Type` written with HTTP's optional whitespace into the routes' shape. */
export function jsonMediaType(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const type = c.req.header("content-type");
    const canonical = type ? canonicalJsonType(type) : null;
    if (canonical) c.req.raw.headers.set("content-type", canonical);
    await next();
  };
}
