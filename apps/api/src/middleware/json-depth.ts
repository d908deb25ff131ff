import { HeraldError } from "@herald/errors";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

const JSON_TYPE = /^application\/([a-z-.]+\+)?json/i;

/** Deepest nesting of arrays/objects in JSON text, or Infinity as soon as it passes `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return Number.POSITIVE_INFINITY;
      }
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) depth--;
  }
  return max;
}

/**
 * Refuses JSON bodies nested deeper than `maxDepth` before anything parses
 * them: recursive validation, hashing and PostgreSQL's jsonb all have stack
 * limits, and no real request needs hundreds of levels. Runs after the body
 * limit; the text it reads is cached for the route's own parser.
 */
export function jsonDepthLimit(maxDepth = 64): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const type = c.req.header("content-type");
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && type && JSON_TYPE.test(type)) {
      const text = await c.req.text();
      if (jsonDepth(text, maxDepth) > maxDepth) {
        throw new HeraldError("malformed_request", `JSON body is nested deeper than ${maxDepth} levels.`);
      }
    }
    await next();
  };
}
