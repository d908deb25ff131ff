import { insertEvents, upsertRecipient } from "@herald/db";
import { PRIORITY_RANK, type Priority } from "@herald/domain";
import { catalog } from "@herald/templates";
import { type TestDatabase, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { createWorkerDeps, type WorkerDeps, type WorkerDepsOverrides } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { type RunningWorkers, startWorkers } from "../src/start-workers.ts";

export interface TestWorker {
  deps: WorkerDeps;
  db: TestDatabase;
  running: RunningWorkers;
  /** Records an event the way the API does and queues it for routing. */
  trigger(
    type: keyof typeof catalog,
    userId: string,
    extra?: {
      channels?: string[];
      priority?: Priority;
      sendAt?: Date;
      data?: Record<string, unknown>;
      /** The recipient's phone (default +14155550100). */
      phone?: string;
    },
  ): Promise<string>;
  close(): Promise<void>;
}

/** Worker processes' code, in this process, on a fresh database and queue prefix, with fast retries. */
export async function createTestWorker(
  env: Record<string, string> = {},
  overrides: WorkerDepsOverrides = {},
): Promise<TestWorker> {
  const db = await testDatabase();
  const deps = createWorkerDeps(
    loadWorkerEnv({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix(),
      NODE_ENV: "test",
      RETRY_SCHEDULE: "0,30ms,60ms,90ms",
      ...env,
    }),
    overrides,
  );
  const running = startWorkers(deps);
  return {
    deps,
    db,
    running,
    async trigger(type, userId, extra = {}) {
      await upsertRecipient(deps.db, userId, {
        email: `${userId}@example.com`,
        phone: extra.phone ?? "+14155550100",
      });
      const def = catalog[type];
      const priority = extra.priority ?? def.priority;
      const [inserted] = await insertEvents(deps.db, [
        {
          type,
          userId,
          data: extra.data ?? (def.example as Record<string, unknown>),
          priority,
          channels: extra.channels ?? null,
          sendAt: extra.sendAt ?? null,
        },
      ]);
      const id = inserted!.event.id;
      await deps.queues.add(
        "events",
        "route",
        { eventId: id },
        { jobId: id, priority: PRIORITY_RANK[priority] },
      );
      return id;
    },
    async close() {
      await running.close();
      await deps.close();
      await db.drop();
    },
  };
}
