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

/** A fresh, migrated database for one test file (a copy of the run's template). */
export async function testDatabase(): Promise<TestDatabase> {
  const server = inject("pgServerUrl");
  const name = `herald_t_${randomBytes(6).toString("hex")}`;
  const url = await createDatabase(server, name, inject("templateDb"));
  const handle = createDb(url, { max: 5 });
  return {
    ...handle,
    url,
    async drop() {
      await handle.close();
      await dropDatabase(server, name).catch(() => {});
    },
  };
}
