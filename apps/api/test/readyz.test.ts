import { closedPort, eventually } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { createTestApi } from "./test-api.ts";

describe("/readyz", () => {
  it("says Redis is unreachable in words, not in ioredis' option names", async () => {
    const api = await createTestApi({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    try {
      const res = await api.call("GET", "/readyz", undefined, { authorization: "" });
      expect(res.status).toBe(503);
      expect(res.body.status).toBe("unavailable");
      expect(res.body.checks.postgres.ok).toBe(true);
      expect(res.body.checks.redis).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^unreachable|ECONNREFUSED/),
      });
      expect(res.body.checks.redis.error).not.toMatch(/enableOfflineQueue|Stream isn't writeable/);
    } finally {
      await api.close();
    }
  });

  // With MIGRATE_ON_START=false a process may start before the operator migrated (npm run db:migrate).
  it("is unavailable while the database lacks a committed migration, and ready once it has it", async () => {
    const api = await createTestApi();
    try {
      const [last] = await api.db.sql<{ id: number; hash: string; created_at: string }[]>`
        delete from drizzle.__drizzle_migrations
        where created_at = (select max(created_at) from drizzle.__drizzle_migrations)
        returning id, hash, created_at::text`;
      const behind = await api.call("GET", "/readyz", undefined, { authorization: "" });
      expect(behind.status).toBe(503);
      expect(behind.body.checks.postgres).toMatchObject({
        ok: false,
        error: expect.stringContaining("1 committed migration(s) not applied: run npm run db:migrate"),
      });
      await api.db.sql`
        insert into drizzle.__drizzle_migrations (id, hash, created_at)
        values (${last!.id}, ${last!.hash}, ${last!.created_at}::bigint)`;
      const ready = await api.call("GET", "/readyz", undefined, { authorization: "" });
      expect(ready.status).toBe(200);
      expect(ready.body.checks.postgres.ok).toBe(true);
    } finally {
      await api.close();
    }
  });

  // Its schema check is answered from memory once current: PostgreSQL itself is still asked every time.
  it("is unavailable when PostgreSQL goes away after the schema was found current", async () => {
    const api = await createTestApi({}, { relay: true });
    try {
      // Ready once its Redis connection is up (a fresh client answers "reconnecting" until then).
      await eventually(
        async () => (await api.call("GET", "/readyz", undefined, { authorization: "" })).status === 200,
      );
      await api.relay!.cut();
      const down = await api.call("GET", "/readyz", undefined, { authorization: "" });
      expect(down.status).toBe(503);
      expect(down.body.checks.postgres.ok).toBe(false);
      await api.relay!.restore();
    } finally {
      await api.close();
    }
  });
});
