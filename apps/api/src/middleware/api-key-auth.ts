import {
  type ApiKeyRow,
  type ApiKeyScope,
  type Db,
  findActiveApiKey,
  hashApiKey,
  touchApiKey,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import type { Context, MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env.ts";

export interface ApiKeyAuthOptions {
  /**
   * How long a key lookup is trusted in this process. A key revoked in another
   * process stops working here within this time. Default 2000 ms.
   */
  cacheMs?: number;
  /** Looks a key up by its hash. Default `findActiveApiKey` (tests count its calls). */
  find?: (db: Db, hash: string) => Promise<ApiKeyRow | null>;
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
 * at once; other processes follow within `cacheMs`. One lookup per key at a
 * time: requests that find the entry expired share the lookup in flight
 * (under load, hundreds of requests used to miss together every `cacheMs`,
 * each with its own query and `last_used_at` update, queueing the API's
 * event inserts behind them on the pool).
 */
export function apiKeyAuth(db: Db, options: ApiKeyAuthOptions = {}): ApiKeyAuth {
  const cacheMs = options.cacheMs ?? 2000;
  const find = options.find ?? findActiveApiKey;
  const cache = new Map<string, { row: Promise<ApiKeyRow | null>; until: number }>();
  const lookup = (hash: string, now: number): Promise<ApiKeyRow | null> => {
    const cached = cache.get(hash);
    if (cached && cached.until >= now) return cached.row;
    const row = find(db, hash).then((found) => {
      // Best effort and throttled in SQL: a failure here must not fail the request.
      if (found) touchApiKey(db, found.id).catch(() => {});
      return found;
    });
    if (cacheMs > 0) {
      if (cache.size > 10_000) cache.clear();
      const entry = { row, until: now + cacheMs };
      cache.set(hash, entry);
      // A failed lookup is not remembered: the next request asks again.
      row.catch(() => {
        if (cache.get(hash) === entry) cache.delete(hash);
      });
    }
    return row;
  };
  const middleware: MiddlewareHandler<HonoEnv> = async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new HeraldError("unauthorized", "Missing API key: send `Authorization: Bearer <key>`.");
    }
    const now = Date.now();
    const row = await lookup(hashApiKey(match[1]!), now);
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= now)) {
      throw new HeraldError("unauthorized", "Invalid, expired or revoked API key.");
    }
    c.set("apiKey", row);
    await next();
  };
  return Object.assign(middleware, { forget: () => cache.clear() });
}

/**
 * Throws 403 unless the request's key (or dashboard role) has `scope`; an
 * `admin` key has every scope. `why` says what needed it, for a scope a
 * request needs beyond its route's.
 */
export function assertScope(c: Context<HonoEnv>, scope: ApiKeyScope, why = ""): void {
  const key = c.get("apiKey");
  if (key && (key.scopes.includes(scope) || key.scopes.includes("admin"))) return;
  const who = c.get("dashboardUser") ? "Your dashboard role" : "This API key";
  throw new HeraldError("forbidden", `${who} lacks the "${scope}" scope${why}.`);
}

/** Requires `scope` (an `admin` key has every scope). */
export function requireScope(scope: ApiKeyScope): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    assertScope(c, scope);
    await next();
  };
}
