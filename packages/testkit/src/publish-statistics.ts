import type { DbHandle } from "@herald/db";

/**
 * Makes a one-connection pool's own table and index counters (rows changed,
 * scans) visible in `pg_stat_*` now: PostgreSQL publishes a backend's counts
 * at most once a second otherwise, and a session keeps the snapshot it read.
 * The flush happens at the end of the next statement's transaction.
 */
export async function publishStatistics(h: DbHandle): Promise<void> {
  await h.sql`select pg_stat_force_next_flush()`;
  await h.sql`select 1`;
  await h.sql`select pg_stat_clear_snapshot()`;
}
