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
   * PostgreSQL's `plan_cache_mode` for these connections. Default `auto`
   * (PostgreSQL's own): after five executions a prepared statement keeps a
   * generic plan when it is no dearer than planning each time. The driver
   * prepares every statement once per connection, so the hot path is planned
   * once instead of per execution: `scripts/bench/pg-path.ts` (50,000 SMS
   * in batches of 100) 106 µs of PostgreSQL CPU per notification against
   * 141 µs with `force_custom_plan`; scenario 2 of the bench 5,931 / 6,151
   * against 5,272 / 5,035 sent/s (`auto` alone, alternating runs of one
   * hour). See {@link CreateDbOptions.randomPageCost}
   * for what keeps those generic plans on the indexes.
   */
  planCacheMode?: PlanCacheMode;
  /**
   * PostgreSQL's `random_page_cost` for these connections. Default 1.1 (SSD
   * or cached storage; PostgreSQL's default 4 models spinning disks). A
   * generic plan is made once, often while a table is still small, and kept
   * until the table's statistics change, which on a server with autovacuum
   * off is never. At 4, the plans made on a new install's empty tables
   * looked events, send contexts, the routed mark and the outbox copy up by
   * sequential scans, and kept doing so as the tables grew: 1,891 µs of
   * PostgreSQL CPU per notification against 106 at 1.1 (pg-path, `auto`,
   * autovacuum off, batches of 100). At 1.1 plans made on empty tables look
   * rows up by index (`plan-safety.test.ts` forces generic plans from the
   * first execution and counts sequential scans). Plans made while a table
   * holds a few pages can still be scans (batches of 25 in pg-path: 1,075 µs);
   * a fresh ANALYZE makes them again, which autovacuum does, and where it is
   * off the workers do (`analyzeStaleTables`, `DATABASE_ANALYZE_INTERVAL`).
   */
  randomPageCost?: number;
}

export type PlanCacheMode = "auto" | "force_custom_plan" | "force_generic_plan";
export const PLAN_CACHE_MODES = ["auto", "force_custom_plan", "force_generic_plan"] as const;
/** Herald's default `plan_cache_mode` (see {@link CreateDbOptions.planCacheMode}); the apps' env defaults too. */
export const DEFAULT_PLAN_CACHE_MODE: PlanCacheMode = "auto";
/** Herald's default `random_page_cost` (see {@link CreateDbOptions.randomPageCost}). */
export const DEFAULT_RANDOM_PAGE_COST = 1.1;

/**
 * libpq's way of naming a Unix socket in a URL, `postgres://user@localhost/db?host=/var/run/postgresql`,
 * which postgres.js would otherwise send to the server as a setting named `host`.
 * Returns the URL without it and the socket's directory.
 */
export function socketDirectoryOf(url: string): { url: string; socketDirectory?: string } {
  const queryAt = url.indexOf("?");
  if (queryAt < 0) return { url };
  const params = new URLSearchParams(url.slice(queryAt + 1));
  const host = params.get("host");
  if (!host?.startsWith("/")) return { url };
  params.delete("host");
  const rest = params.toString();
  return { url: url.slice(0, queryAt) + (rest ? `?${rest}` : ""), socketDirectory: host };
}

/** A postgres.js client for a Herald `DATABASE_URL`, including its socket form (see {@link socketDirectoryOf}). */
export function openPostgres(
  databaseUrl: string,
  options: postgres.Options<Record<string, postgres.PostgresType>>,
): postgres.Sql {
  const { url, socketDirectory } = socketDirectoryOf(databaseUrl);
  // A directory makes postgres.js connect to `<dir>/.s.PGSQL.<port>`.
  return postgres(url, socketDirectory ? { ...options, host: socketDirectory } : options);
}

/**
 * Seconds a pool connection waits before connecting again after a failed
 * attempt: 50 ms doubling per failure, at most 1 s. postgres.js's own grows
 * by 3× per failure up to 20 s, and a query waits for its connection's next
 * attempt, so a few seconds into an outage every request hung 11–16 s
 * before its 503 (and one issued just after PostgreSQL came back, as long).
 * Attempts against a down server are refused at once: one a second per
 * pool connection costs nothing.
 */
export function reconnectDelaySeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1);
}

export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const sql = openPostgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 5,
    backoff: reconnectDelaySeconds,
    idle_timeout: 60,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? "herald",
      plan_cache_mode: options.planCacheMode ?? DEFAULT_PLAN_CACHE_MODE,
      random_page_cost: String(options.randomPageCost ?? DEFAULT_RANDOM_PAGE_COST),
    },
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
