import { type ApiKeyRow, type ApiKeyScope, type Db, findActiveApiKey, hashApiKey } from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

/** How long a key lookup is trusted; a revoked key stops working within this. */
const CACHE_MS = 10_000;

/**
 * `Authorization: Bearer <key>`. Keys are looked up by their SHA-256, so the
 * comparison never touches the secret itself (no timing leak), and the
 * result is cached briefly so a hot path costs no query.
 */
export function apiKeyAuth(db: Db): MiddlewareHandler<HonoEnv> {
  const cache = new Map<string, { row: ApiKeyRow | null; until: number }>();
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HeraldError("unauthorized", "Missing API key: send `Authorization: Bearer <key>`.");
    }
    const hash = hashApiKey(match[1]!);
    const now = Date.now();
    let entry = cache.get(hash);
    if (!entry || entry.until < now) {
      entry = { row: await findActiveApiKey(db, hash), until: now + CACHE_MS };
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, entry);
    }
    if (!entry.row) throw new HeraldError("unauthorized", "Invalid or revoked API key.");
    c.set("apiKey", entry.row);
    await next();
  };
}

/** Requires `scope` (an `admin` key has every scope). */
export function requireScope(scope: ApiKeyScope): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const key = c.get("apiKey");
    if (!key || !(key.scopes.includes(scope) || key.scopes.includes("admin"))) {
      throw new HeraldError("forbidden", `This API key lacks the "${scope}" scope.`);
    }
    await next();
  };
}
