import {
  type ApiKeyRow,
  type ApiKeyScope,
  type Db,
  findActiveApiKey,
  hashApiKey,
  touchApiKey,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

export interface ApiKeyAuthOptions {
  /**
   * How long a key lookup is trusted in this process. A key revoked in another
   * process stops working here within this time. Default 2000 ms.
   */
  cacheMs?: number;
}

export type ApiKeyAuth = MiddlewareHandler<HonoEnv> & {
  /** Drops every cached lookup (after a revocation or rotation in this process). */
  forget(): void;
};

/**
 * `Authorization: Bearer <key>`. Keys are looked up by their SHA-256, so the
 * secret itself is never compared (no timing leak: the lookup is by a hash an
 * attacker cannot steer byte by byte), and the result is cached briefly so a
 * hot path costs no query. Revocation: the revoking process forgets its cache
 * at once; other processes follow within `cacheMs`.
 */
export function apiKeyAuth(db: Db, options: ApiKeyAuthOptions = {}): ApiKeyAuth {
  const cacheMs = options.cacheMs ?? 2000;
  const cache = new Map<string, { row: ApiKeyRow | null; until: number }>();
  const middleware: MiddlewareHandler<HonoEnv> = async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HeraldError("unauthorized", "Missing API key: send `Authorization: Bearer <key>`.");
    }
    const hash = hashApiKey(match[1]!);
    const now = Date.now();
    let entry = cache.get(hash);
    if (!entry || entry.until < now) {
      const row = await findActiveApiKey(db, hash);
      entry = { row, until: now + cacheMs };
      if (cache.size > 10_000) cache.clear();
      if (cacheMs > 0) cache.set(hash, entry);
      // Best effort and throttled in SQL: a failure here must not fail the request.
      if (row) touchApiKey(db, row.id).catch(() => {});
    }
    const row = entry.row;
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= now)) {
      throw new HeraldError("unauthorized", "Invalid, expired or revoked API key.");
    }
    c.set("apiKey", row);
    await next();
  };
  return Object.assign(middleware, { forget: () => cache.clear() });
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
