import type { LookupFunction } from "node:net";
import { createDb, type DbHandle } from "@herald/db";
import { InboxHub } from "@herald/inbox-bus";
import { createQueues, createRedis, createRedisOutageLog, type Queues, type RedisClient } from "@herald/jobs";
import { createLogger, type Logger } from "@herald/logger";
import type { ApiEnv } from "./env.ts";
import { type Audit, createAudit } from "./middleware/audited.ts";
import { type AuditWriter, createAuditWriter } from "./services/audit-writer.ts";
import { createHttpMetrics, type HttpMetrics } from "./services/http-metrics.ts";

/** Everything a route needs, created once per process and passed down explicitly. */
export interface ApiDeps {
  env: ApiEnv;
  db: DbHandle["db"];
  dbHandle: DbHandle;
  /** Producer connection: fails fast while Redis is down, so requests answer 503. */
  redis: RedisClient;
  queues: Queues;
  /** Fans inbox events from Redis out to this process's SSE streams (connects on first use). */
  inboxHub: InboxHub;
  logger: Logger;
  /** This process's request counts and durations, for `/metrics`. */
  httpMetrics: HttpMetrics;
  /**
   * Set once the process starts shutting down: `/readyz` answers 503 and every
   * response asks the client to close its connection, so a keep-alive client
   * opens a new one (refused at once, safe to retry elsewhere) rather than
   * sending its next request down a socket about to be closed under it.
   */
  lifecycle: { closing: boolean };
  /** Writes audit entries off the requests' path (`herald_audit_log_writes_total`). */
  auditWriter: AuditWriter;
  /** The routes' audit declarations and the dashboard-session fallback (`middleware/audited.ts`). */
  audit: Audit;
  /**
   * The resolver a public-only webhook ping asks. Default `dns.lookup`;
   * tests set one that answers a public-looking name with a loopback address.
   */
  webhookResolve?: LookupFunction;
  /**
   * Now, for what expires by the API's own reckoning (the stored answers of
   * idempotent API key creates and rotates). Default the system clock; tests
   * move it instead of waiting.
   */
  clock?: () => Date;
  close(): Promise<void>;
}

export function createApiDeps(env: ApiEnv, logger: Logger = createLogger({ base: { app: "api" } })): ApiDeps {
  const dbHandle = createDb(env.DATABASE_URL, {
    max: env.DATABASE_POOL_SIZE,
    applicationName: "herald-api",
    planCacheMode: env.DATABASE_PLAN_CACHE_MODE,
  });
  const target = { url: env.REDIS_URL, cluster: env.REDIS_CLUSTER };
  const redis = createRedis(target, "producer");
  // One outage log for both connections: an outage is one line, not one per reconnect attempt.
  const redisOutage = createRedisOutageLog(logger);
  redisOutage.watch(redis, "client", (err) => logger.warn({ err: err.message }, "redis connection error"));
  const queues = createQueues(redis, env.QUEUE_PREFIX);
  const subscriber = createRedis(target, "subscriber", { lazyConnect: true });
  redisOutage.watch(subscriber, "subscriber", (err) =>
    logger.warn({ err: err.message }, "redis subscriber error"),
  );
  const inboxHub = new InboxHub(subscriber, env.QUEUE_PREFIX);
  const auditWriter = createAuditWriter(dbHandle.db, logger);
  return {
    env,
    db: dbHandle.db,
    dbHandle,
    redis,
    queues,
    inboxHub,
    logger,
    httpMetrics: createHttpMetrics(),
    lifecycle: { closing: false },
    auditWriter,
    audit: createAudit(auditWriter, env.TRUST_PROXY),
    async close() {
      inboxHub.close();
      // Entries of requests already answered go in before the pool closes.
      await auditWriter.settled();
      await queues.close();
      redis.disconnect();
      await dbHandle.close();
    },
  };
}
