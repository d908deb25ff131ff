import { createDb, type DbHandle } from "@herald/db";
import {
  createQueues,
  createRedis,
  createRedisOutageLog,
  LANED_QUEUES,
  type Queues,
  type RedisClient,
  type RedisOutageLog,
} from "@herald/jobs";
import { createLogger, type Logger } from "@herald/logger";
import { type Catalog, createCatalog, type NotificationType, starterCatalog } from "@herald/templates";
import type { WorkerEnv } from "./env.ts";
import { instrumentSenders } from "./metrics/instrument-senders.ts";
import { createWorkerMetrics, type WorkerMetrics } from "./metrics/worker-metrics.ts";
import { createSenders, type Senders } from "./providers/senders.ts";

export interface WorkerDeps {
  env: WorkerEnv;
  db: DbHandle["db"];
  dbHandle: DbHandle;
  /** Shared by BullMQ workers and queues: waits out Redis outages instead of failing. */
  redis: RedisClient;
  /** Every Redis connection of the process reports here: an outage is logged once, not per connection and attempt. */
  redisOutage: RedisOutageLog;
  queues: Queues;
  senders: Senders;
  /** Counters and histograms shared with the API's `/metrics` through Redis. */
  metrics: WorkerMetrics;
  /** The notification types the worker routes, digests and sends: `packages/templates`' catalog. */
  catalog: Catalog;
  logger: Logger;
  /** Current time; tests pass a controllable clock. */
  now(): Date;
  close(): Promise<void>;
}

export interface WorkerDepsOverrides {
  senders?: Partial<Senders>;
  logger?: Logger;
  now?: () => Date;
  /**
   * The notification types instead of the starter catalog (tests declare
   * their own). Checked as the starter catalog is: a `CatalogError` before
   * anything connects. Default: the catalog of `packages/templates`.
   */
  catalog?: readonly NotificationType[];
}

export function createWorkerDeps(env: WorkerEnv, overrides: WorkerDepsOverrides = {}): WorkerDeps {
  const catalog = overrides.catalog ? createCatalog(overrides.catalog) : starterCatalog;
  const logger = overrides.logger ?? createLogger({ base: { app: "worker" } });
  const dbHandle = createDb(env.databaseUrl, {
    max: env.databasePoolSize,
    applicationName: "herald-worker",
    planCacheMode: env.databasePlanCacheMode,
  });
  const redis = createRedis({ url: env.redisUrl, cluster: env.redisCluster }, "worker");
  const redisOutage = createRedisOutageLog(logger);
  redisOutage.watch(redis, "client", (err) => logger.warn({ err: err.message }, "redis connection error"));
  // A rate-limited channel's critical sends stay in its one limited queue, first in line.
  const queues = createQueues(redis, env.queuePrefix, {
    criticalLanes: LANED_QUEUES.filter((q) => !(q in env.rateLimit)),
  });
  const metrics = createWorkerMetrics(redis, env.queuePrefix, logger);
  const senders = instrumentSenders(
    {
      ...createSenders(env, dbHandle.db, redis, { logger, onThrottled: metrics.providerThrottled }),
      ...overrides.senders,
    },
    metrics,
  );
  return {
    env,
    db: dbHandle.db,
    dbHandle,
    redis,
    redisOutage,
    queues,
    senders,
    metrics,
    catalog,
    logger,
    now: overrides.now ?? (() => new Date()),
    async close() {
      await Promise.all(Object.values(senders).map((s) => s.close?.().catch(() => {})));
      await queues.close();
      await metrics.flush();
      redis.disconnect();
      await dbHandle.close();
    },
  };
}
