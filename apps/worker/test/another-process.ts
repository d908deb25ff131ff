import { testRedisUrl } from "@herald/testkit";
import { createWorkerDeps } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { startWorkers } from "../src/start-workers.ts";
import type { TestWorker } from "./test-worker.ts";

/**
 * Another worker process's workers and connections (its own Redis
 * connection, senders and limiters), on `first`'s database and queue
 * prefix. Returns its close, which must run before `first`'s: that one
 * drops the database.
 */
export function startAnotherProcess(first: TestWorker, env: Record<string, string>): () => Promise<void> {
  const deps = createWorkerDeps(
    loadWorkerEnv({
      DATABASE_URL: first.db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: first.deps.env.queuePrefix,
      NODE_ENV: "test",
      ...env,
    }),
  );
  const running = startWorkers(deps);
  return async () => {
    await running.close();
    await deps.close();
  };
}
