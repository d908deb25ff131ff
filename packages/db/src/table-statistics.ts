import type { Db } from "./client.ts";
import { pg } from "./raw.ts";

export interface AnalyzeResult {
  /** Herald's tables analyzed by this call. */
  analyzed: string[];
  /** Tables left to autovacuum (it is on for them). */
  leftToAutovacuum: number;
}

export interface AnalyzeOptions {
  /**
   * `default_statistics_target` of these ANALYZEs. Default 10: a sample of
   * 3,000 rows instead of PostgreSQL's 30,000. What the plans need is the
   * table's size and a few common values (status, channel); the full sample
   * cost ~1.7 s per round on the four growing tables at ~110,000 notifications
   * (ids compared by collation, JSON content detoasted) against ~0.16 s.
   * Columns with a target of their own keep it.
   */
  statisticsTarget?: number;
}

/**
 * Analyzes Herald's tables that autovacuum will not analyze (off for the
 * server or for the table) once enough of their rows changed since their last
 * ANALYZE, by autovacuum's own default rule: 50 rows plus 10% of the table.
 *
 * Why: with `plan_cache_mode = auto` a connection keeps a prepared
 * statement's generic plan until the table's statistics change. A plan made
 * while a new install's tables hold a few pages can be a sequential scan, and
 * without ANALYZE it stays one while the table grows (`plan-safety.test.ts`:
 * batches of 25 locked every later lookup of events and notifications into
 * whole-table scans; `scripts/bench/pg-path.ts --batch 25`: 1,075 µs of
 * PostgreSQL CPU per notification against 209 with plans made per execution).
 * ANALYZE invalidates those plans, and the next ones are made with the
 * table's real size.
 */
export async function analyzeStaleTables(db: Db, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const target = options.statisticsTarget ?? 10;
  const sql = pg(db);
  const rows = await sql<{ relname: string; stale: boolean; autovacuum: boolean }[]>`
    select c.relname,
           s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) as stale,
           current_setting('autovacuum')::boolean and not exists (
             select 1 from unnest(c.reloptions) o where o ~* '^autovacuum_enabled=(false|off|no|0)$'
           ) as autovacuum
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema() and c.relkind = 'r'`;
  const analyzed: string[] = [];
  for (const r of rows) {
    if (r.autovacuum || !r.stale) continue;
    // One table per transaction: a short lock each, and a table dropped meanwhile fails alone.
    await sql.begin(async (tx) => {
      await tx.unsafe(`set local default_statistics_target = ${Math.trunc(target)}`);
      await tx.unsafe(`analyze ${quoteIdent(r.relname)}`);
    });
    analyzed.push(r.relname);
  }
  return { analyzed, leftToAutovacuum: rows.filter((r) => r.autovacuum).length };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
