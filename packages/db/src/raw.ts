import { getTableColumns, type Table } from "drizzle-orm";
import type postgres from "postgres";
import type { Db } from "./client.ts";

/**
 * The `postgres` client under a drizzle handle (a transaction's own client
 * inside `db.transaction`). The hot paths (ingest, routing, sending) write
 * their statements with it directly: drizzle's builder cost ~180 µs of CPU
 * per inserted row (measured on a 100-row notification insert, against
 * ~15 µs for the same rows as one JSON parameter), more than PostgreSQL's own
 * work. Statements written here have a constant text, so the driver prepares
 * each once per connection instead of planning a new multi-row VALUES shape
 * for every batch size.
 *
 * Drizzle sets this client's timestamp parsers to pass strings through:
 * rows read here come back with ISO strings for times (see {@link rowReader}),
 * and JSON parameters must be sent as strings with a `::jsonb` cast.
 */
export function pg(db: Db): postgres.Sql {
  const client = (db as unknown as { session?: { client?: postgres.Sql } }).session?.client;
  if (!client) throw new Error("not a postgres-js drizzle handle");
  return client;
}

/**
 * Maps rows read with {@link pg} (snake_case columns, times as strings) to a
 * table's drizzle row type, the same values drizzle's own select returns.
 * The column list is computed once per table, not per row.
 */
export function rowReader<T>(table: Table): (raw: Record<string, unknown>) => T {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({
    key,
    name: column.name,
    map: (value: unknown) => column.mapFromDriverValue(value),
  }));
  return (raw) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      const value = raw[c.name];
      out[c.key] = value === null || value === undefined ? null : c.map(value);
    }
    return out as T;
  };
}

/**
 * A row joined in as `to_jsonb(t) as <column>` (one query for a row and its
 * companion, without their column names colliding), read with `read`; null
 * when the join found nothing.
 */
export function joinedRow<T>(
  raw: Record<string, unknown>,
  column: string,
  read: (row: Record<string, unknown>) => T,
): T | null {
  const value = raw[column];
  return value ? read(value as Record<string, unknown>) : null;
}

/** A `Date` as the ISO text a `::timestamptz` parameter expects; null stays null. */
export function isoOrNull(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
