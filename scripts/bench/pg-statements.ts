import type { DbHandle } from "@herald/db";

/** One statement's share of PostgreSQL's execution time over a scenario. */
export interface PgStatementTime {
  /** Its text, whitespace collapsed, cut to 70 characters. */
  query: string;
  calls: number;
  rows: number;
  /** Execution time, ms: waits inside the statement (locks, WAL buffers) included, the commit's flush not. */
  totalMs: number;
  /** Of all the database's statements' execution time. */
  share: number;
}

export interface PgStatementsMeter {
  /** The `top` statements by execution time since the meter started; undefined where not measured. */
  stop(): Promise<PgStatementTime[] | undefined>;
}

/**
 * PostgreSQL's execution time by statement in the system's database over a
 * scenario, from `pg_stat_statements`, where the server loads it
 * (`shared_preload_libraries`; the bench does not change a server's
 * configuration: point `BENCH_PG_URL` at one that loads it). Elsewhere it
 * measures nothing and leaves the database as it was.
 */
export async function meterPgStatements(db: Pick<DbHandle, "sql">, top = 8): Promise<PgStatementsMeter> {
  const none: PgStatementsMeter = { stop: async () => undefined };
  try {
    const [loaded] = await db.sql<{ on: boolean }[]>`
      select 'pg_stat_statements' = any(string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) as on`;
    if (!loaded?.on) return none;
    await db.sql`create extension if not exists pg_stat_statements`;
    await db.sql`select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)`;
  } catch {
    return none;
  }
  return {
    async stop() {
      try {
        const rows = await db.sql<
          { query: string; calls: string; rows: string; ms: number; share: number }[]
        >`
          with s as (
            select query, calls, rows, total_exec_time as ms
            from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database())
              and query not like '%pg_stat_%'
          )
          select left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as query, calls, rows, ms::float8 as ms,
                 (ms / nullif(sum(ms) over (), 0))::float8 as share
          from s order by ms desc limit ${top}`;
        return rows.map((r) => ({
          query: r.query.trim(),
          calls: Number(r.calls),
          rows: Number(r.rows),
          totalMs: Number(r.ms),
          share: Number(r.share),
        }));
      } catch {
        return undefined;
      }
    },
  };
}
