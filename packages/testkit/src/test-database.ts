import { randomBytes } from "node:crypto";
import { createDb, type DbHandle } from "@herald/db";
import { createDatabase, dropDatabase } from "@herald/devstack";
import { inject } from "vitest";
import "./provided-context.ts";

export interface TestDatabase extends DbHandle {
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * Connections in its pool. Default 5. `1` when a test reads PostgreSQL's
   * statistics of its own statements (see `publishStatistics`).
   */
  max?: number;
}

/** A fresh, migrated database for one test file (a copy of the run's template). */
export async function testDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = inject("pgServerUrl");
  const name = `herald_t_${randomBytes(6).toString("hex")}`;
  const url = await createDatabase(server, name, inject("templateDb"));
  const handle = createDb(url, { max: options.max ?? 5 });
  return {
    ...handle,
    url,
    async drop() {
      await handle.close();
      await dropDatabase(server, name).catch(() => {});
    },
  };
}
