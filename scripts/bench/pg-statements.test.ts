import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type DbHandle } from "@herald/db";
import { createDatabase, freePort, PostgresServer } from "@herald/devstack";
import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meterPgStatements } from "./pg-statements.ts";

describe("meterPgStatements", () => {
  let dir: string;
  let server: PostgresServer;
  let h: DbHandle;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "herald-pgss-"));
    server = new PostgresServer({
      dataDir: join(dir, "pg"),
      port: await freePort(),
      settings: { fsync: "off", shared_preload_libraries: "pg_stat_statements" },
    });
    await server.start();
    h = createDb(await createDatabase(server.url("postgres"), "pgss"));
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  it("ranks the database's statements by execution time since it started, with calls and rows", async () => {
    await h.sql`create table t (id int primary key, v text)`;
    await h.sql`insert into t select g, 'before' from generate_series(1, 10) g`;
    const meter = await meterPgStatements(h);
    for (let i = 0; i < 5; i++)
      await h.sql`insert into t select g, 'x' from generate_series(${1000 * (i + 1)}::int, ${1000 * (i + 1) + 99}::int) g`;
    await h.sql`select pg_sleep(0.05)`;
    const statements = await meter.stop();
    expect(statements).toBeDefined();
    // Reset when the meter started: the table and the insert before it are not counted.
    expect(statements!.map((s) => [s.query, s.calls, s.rows])).toEqual([
      ["select pg_sleep($1)", 1, 1],
      ["insert into t select g, $3 from generate_series($1::int, $2::int) g", 5, 500],
    ]);
    expect(statements!.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(1, 5);
  });
});

describe("meterPgStatements without the library loaded", () => {
  let h: TestDatabase;
  beforeAll(async () => {
    h = await testDatabase();
  });
  afterAll(() => h?.drop());

  it("measures nothing instead of failing the scenario", async () => {
    const meter = await meterPgStatements(h);
    await h.sql`select 1`;
    expect(await meter.stop()).toBeUndefined();
    const [ext] =
      await h.sql`select count(*)::int as n from pg_extension where extname = 'pg_stat_statements'`;
    expect(ext!.n).toBe(0);
  });
});
