import { readFileSync } from "node:fs";
import { join } from "node:path";
import type postgres from "postgres";
import { MIGRATIONS_FOLDER } from "./migrate.ts";

/** When each committed migration was generated: drizzle's migrator records the last one it applied by this. */
function committedMigrations(): number[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return journal.entries.map((e) => e.when);
}

/**
 * How many committed migrations the database has not applied (0 when its
 * schema is current). Read as drizzle's migrator decides: a migration is
 * applied when it is not newer than the last one recorded in
 * `drizzle.__drizzle_migrations`; a database never migrated has that table
 * missing, and all are pending.
 */
export async function pendingMigrations(sql: postgres.Sql): Promise<number> {
  const committed = committedMigrations();
  let last: number;
  try {
    const [row] = await sql<{ last: string | null }[]>`
      select max(created_at)::text as last from drizzle.__drizzle_migrations`;
    last = Number(row?.last ?? 0);
  } catch (err) {
    // 42P01 undefined_table, 3F000 invalid_schema_name: never migrated.
    if (["42P01", "3F000"].includes((err as { code?: string }).code ?? "")) return committed.length;
    throw err;
  }
  return committed.filter((when) => when > last).length;
}

/**
 * A readiness check of the schema for `/readyz`: null when the database has
 * every committed migration, else what to do. Once current it stays current
 * for this process (a schema is not un-migrated), so only the checks before
 * that cost a query; it says nothing about whether PostgreSQL answers now,
 * which the caller checks first. With `MIGRATE_ON_START=false` a process
 * started before the operator migrated reports unready instead of failing
 * requests.
 */
export function schemaCheck(sql: postgres.Sql): () => Promise<string | null> {
  let current = false;
  return async () => {
    if (current) return null;
    const pending = await pendingMigrations(sql);
    current = pending === 0;
    return current
      ? null
      : `${pending} committed migration(s) not applied: run npm run db:migrate (or start with MIGRATE_ON_START=true)`;
  };
}
