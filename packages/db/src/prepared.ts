import type { Db } from "./client.ts";

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * A query built once per `db` and reused: the hot paths (every send, every
 * routed event) ran drizzle's query builder on each call, which cost more
 * CPU than PostgreSQL's own work for these one-row lookups. `build` gets the
 * `db` it is for; a transaction handle gets its own (short-lived) copy.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = cache.get(db);
  if (!byName) {
    byName = new Map();
    cache.set(db, byName);
  }
  let query = byName.get(name) as T | undefined;
  if (!query) {
    query = build(db);
    byName.set(name, query);
  }
  return query;
}
