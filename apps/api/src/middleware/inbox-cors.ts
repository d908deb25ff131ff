import { cors } from "hono/cors";
import { RATE_LIMIT_HEADERS } from "./rate-limit.ts";

/**
 * CORS for the browser-facing routes (inbox, preferences, push key, push clicks): pages
 * on the app's own origin call Herald directly. `*` by default; no cookies
 * are involved (tokens travel in a header or the query string).
 */
export function browserCors(origins: string) {
  const list = origins
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  return cors({
    origin: list.includes("*") ? "*" : list,
    allowMethods: ["GET", "POST", "PUT", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID"],
    // A page pacing itself against USER_RATE_LIMIT must be able to read the budget.
    exposeHeaders: ["X-Request-Id", "Retry-After", ...RATE_LIMIT_HEADERS],
    maxAge: 600,
  });
}
