import { existsSync } from "node:fs";
import { startDatabaseRelay, type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, reconnectDelaySeconds, socketDirectoryOf } from "./client.ts";
import { pg } from "./raw.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database?.drop());

const planCacheMode = async (h: ReturnType<typeof createDb>) =>
  (await h.sql<{ plan_cache_mode: string }[]>`show plan_cache_mode`)[0]!.plan_cache_mode;

describe("createDb", () => {
  it("sets plan_cache_mode auto and random_page_cost 1.1 unless told otherwise, on every connection", async () => {
    const h = createDb(database.url, { max: 3 });
    try {
      const settings = await Promise.all(
        [1, 2, 3].map(() =>
          h.sql.begin(
            (tx) => tx<{ mode: string; cost: string }[]>`
              select current_setting('plan_cache_mode') as mode, current_setting('random_page_cost') as cost`,
          ),
        ),
      );
      expect(settings.map((s) => [s[0]!.mode, s[0]!.cost])).toEqual(Array(3).fill(["auto", "1.1"]));
    } finally {
      await h.close();
    }
  });

  it("takes DATABASE_PLAN_CACHE_MODE's choice", async () => {
    const h = createDb(database.url, { max: 1, planCacheMode: "force_custom_plan" });
    try {
      expect(await planCacheMode(h)).toBe("force_custom_plan");
    } finally {
      await h.close();
    }
  });

  it("gives the raw client of a transaction inside db.transaction", async () => {
    const h = createDb(database.url, { max: 2 });
    try {
      await h.sql`create table if not exists raw_probe (n int)`;
      await expect(
        h.db.transaction(async (tx) => {
          await pg(tx as never)`insert into raw_probe values (1)`;
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      // The insert ran inside the transaction: rolled back with it.
      const [row] = await h.sql<{ n: number }[]>`select count(*)::int as n from raw_probe`;
      expect(row!.n).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe("socketDirectoryOf", () => {
  it("takes libpq's ?host=/dir out of the URL and keeps the other parameters", () => {
    expect(socketDirectoryOf("postgres://herald@localhost/herald?host=/var/run/postgresql")).toEqual({
      url: "postgres://herald@localhost/herald",
      socketDirectory: "/var/run/postgresql",
    });
    expect(socketDirectoryOf("postgres://h@localhost:5433/db?sslmode=disable&host=%2Ftmp")).toEqual({
      url: "postgres://h@localhost:5433/db?sslmode=disable",
      socketDirectory: "/tmp",
    });
  });

  it("leaves URLs without a socket directory alone", () => {
    for (const url of [
      "postgres://h@127.0.0.1:5432/db",
      "postgres://h@db/x?sslmode=require",
      "postgres://h@db/x?host=db2",
    ])
      expect(socketDirectoryOf(url)).toEqual({ url });
  });

  it("connects through the Unix socket it names (the machine's PostgreSQL, where it has one)", async (ctx) => {
    // The suite's own server listens on TCP only; Debian's package server has a socket here.
    const socketDir = "/var/run/postgresql";
    if (!existsSync(`${socketDir}/.s.PGSQL.5432`)) return ctx.skip();
    const h = createDb(`postgres://postgres@localhost:5432/postgres?host=${socketDir}`, { max: 1 });
    try {
      const [row] = await h.sql<{ addr: string | null; db: string }[]>`
        select inet_client_addr() as addr, current_database() as db`;
      // No client address: not TCP.
      expect(row).toEqual({ addr: null, db: "postgres" });
    } finally {
      await h.close();
    }
  });
});

describe("a database that goes away", () => {
  it("fails each query within a second or so, however long it lasts, and is used again once back", async () => {
    const link = await startDatabaseRelay(database.url);
    const h = createDb(link.url, { max: 2 });
    try {
      expect((await h.sql`select 1 as one`)[0]!.one).toBe(1);
      await link.cut();
      // postgres.js's own reconnect delay grows 3× per failure to 20 s; a query waits for it.
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        await expect(h.sql`select 1`).rejects.toThrow();
        expect(performance.now() - started, `query ${i + 1} of the outage`).toBeLessThan(3000);
      }
      await link.restore();
      const started = performance.now();
      for (;;) {
        try {
          await h.sql`select 1`;
          break;
        } catch {
          // a connection still waiting out its delay
        }
      }
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      await h.close();
      await link.close();
    }
  });

  it("waits at most a second between attempts", () => {
    expect([0, 1, 2, 3, 4, 5, 10, 100].map(reconnectDelaySeconds)).toEqual([
      0.05, 0.1, 0.2, 0.4, 0.8, 1, 1, 1,
    ]);
  });
});
