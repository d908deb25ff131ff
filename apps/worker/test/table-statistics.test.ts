import { eventually, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import { createWorkerDeps } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { ANALYZE_SCHEDULER_ID } from "../src/maintenance/statistics.ts";
import { startWorkers } from "../src/start-workers.ts";

const envFor = (url: string, prefix: string, interval?: string) =>
  loadWorkerEnv({
    DATABASE_URL: url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    NODE_ENV: "test",
    WORKER_CHANNELS: "maintenance",
    ...(interval ? { DATABASE_ANALYZE_INTERVAL: interval } : {}),
  });

describe("statistics maintenance", () => {
  it("a job scheduler analyzes the tables autovacuum skips once they have grown", async () => {
    const wdb = await testDatabase();
    await wdb.sql`alter table events set (autovacuum_enabled = false)`;
    const deps = createWorkerDeps(envFor(wdb.url, testQueuePrefix(), "300ms"));
    const running = startWorkers(deps);
    try {
      const queue = deps.queues.get("maintenance");
      expect(await eventually(() => queue.getJobScheduler(ANALYZE_SCHEDULER_ID))).toMatchObject({
        name: "analyze",
        every: 300,
      });
      await wdb.sql`
        insert into events (id, type, user_id, data, priority)
        select 'evt_analyze_' || g, 'order_placed', 'u' || g, '{}', 'normal' from generate_series(1, 500) g`;
      // PostgreSQL publishes a backend's row counts within a second or so; the next run after that analyzes.
      const analyzed = await eventually(async () => {
        const [row] = await wdb.sql<
          { reltuples: number }[]
        >`select reltuples from pg_class where relname = 'events'`;
        return row!.reltuples === 500 ? row : undefined;
      }, 15_000);
      expect(analyzed).toEqual({ reltuples: 500 });
    } finally {
      await running.close();
      await deps.close();
      await wdb.drop();
    }
  });

  it("DATABASE_ANALYZE_INTERVAL=0 removes the scheduler; the default is every 10 s", async () => {
    const wdb = await testDatabase();
    const prefix = testQueuePrefix();
    try {
      for (const [interval, expected] of [
        [undefined, { every: 10_000 }],
        ["0", undefined],
      ] as const) {
        const deps = createWorkerDeps(envFor(wdb.url, prefix, interval));
        const running = startWorkers(deps);
        try {
          const queue = deps.queues.get("maintenance");
          await eventually(
            async () => (await queue.getJobScheduler(ANALYZE_SCHEDULER_ID))?.every === expected?.every,
            10_000,
          );
          expect((await queue.getJobScheduler(ANALYZE_SCHEDULER_ID))?.every).toBe(expected?.every);
        } finally {
          await running.close();
          await deps.close();
        }
      }
    } finally {
      await wdb.drop();
    }
  });
});
