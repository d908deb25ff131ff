import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pendingMigrations, schemaCheck } from "./schema-version.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.drop());

describe("pendingMigrations", () => {
  it("reads 0 for a migrated database, and counts what drizzle's record lacks", async () => {
    const { sql } = database;
    expect(await pendingMigrations(sql)).toBe(0);
    const check = schemaCheck(sql);
    await sql`delete from drizzle.__drizzle_migrations
      where created_at >= (select created_at from drizzle.__drizzle_migrations order by created_at desc offset 1 limit 1)`;
    expect(await pendingMigrations(sql)).toBe(2);
    expect(await check()).toMatch(/^2 committed migration\(s\) not applied: run npm run db:migrate/);
  });

  it("counts every migration for a database never migrated", async () => {
    const { sql } = database;
    await sql`drop schema drizzle cascade`;
    const all = await pendingMigrations(sql);
    expect(all).toBeGreaterThan(10);
  });
});
