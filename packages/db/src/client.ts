import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

export type Db = PostgresJsDatabase<typeof schema>;

export interface DbHandle {
  db: Db;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size. Default 10. */
  max?: number;
  /** Seconds before a connection attempt gives up. Default 5, so a down database answers 503 quickly. */
  connectTimeout?: number;
  /** Name shown in `pg_stat_activity`. Default `herald`. */
  applicationName?: string;
  /**
   * PostgreSQL's `plan_cache_mode` for these connections. Default
   * `force_custom_plan`: the driver prepares every statement once per
   * connection, and a generic plan PostgreSQL caches for it is kept for the
   * connection's life. Made while a table was small or had no statistics
   * (a new install, autovacuum off, right after pg_upgrade or a restore), it
   * scans whole tables for what the primary key finds: 1,120 µs of PostgreSQL
   * CPU per notification instead of 216 (`scripts/bench/pg-path.ts`, this
   * machine, autovacuum off). Planning each execution costs ~65 µs per
   * notification more than a good generic plan (151 µs with fresh
   * statistics); `auto` takes that gain where statistics are reliably kept.
   */
  planCacheMode?: PlanCacheMode;
}

export type PlanCacheMode = "auto" | "force_custom_plan" | "force_generic_plan";
export const PLAN_CACHE_MODES = ["auto", "force_custom_plan", "force_generic_plan"] as const;
/** Herald's default `plan_cache_mode` (see {@link CreateDbOptions.planCacheMode}); the apps' env defaults too. */
export const DEFAULT_PLAN_CACHE_MODE: PlanCacheMode = "force_custom_plan";

export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 5,
    idle_timeout: 60,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? "herald",
      plan_cache_mode: options.planCacheMode ?? DEFAULT_PLAN_CACHE_MODE,
    },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
