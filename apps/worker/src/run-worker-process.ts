import { listenProblem, stopWithParent } from "@herald/config";
import { migrateWhenReachable } from "@herald/db";
import { checkRedisSafety, redisModeMismatch } from "@herald/jobs";
import { createLogger, type Logger } from "@herald/logger";
import { createProcessMetrics } from "@herald/metrics";
import { createWorkerDeps, type WorkerDeps, type WorkerDepsOverrides } from "./deps.ts";
import { loadWorkerEnv, type WorkerEnv } from "./env.ts";
import { type HealthServer, startHealthServer } from "./reliability/health-server.ts";
import { type RunningWorkers, startWorkers } from "./start-workers.ts";

export interface WorkerProcessOptions {
  /** Environment to parse. Default `process.env`. */
  source?: Record<string, string | undefined>;
  /** Swaps parts of the process (provider fakes in fault tests). */
  overrides?: WorkerDepsOverrides;
  logger?: Logger;
}

async function warnIfRedisUnsafe(deps: WorkerDeps, logger: Logger): Promise<void> {
  const safety = await checkRedisSafety(deps.redis);
  for (const problem of safety.problems) {
    // Loud on purpose: with eviction on, Redis may silently drop queued notifications.
    logger.error({ maxmemoryPolicy: safety.maxmemoryPolicy, appendonly: safety.appendonly }, problem);
    console.error(`\n!!! HERALD WORKER: UNSAFE REDIS CONFIGURATION !!!\n!!! ${problem}\n`);
  }
}

/**
 * A worker process from start to exit: config (exit 78 when invalid), the
 * health server, migrations (waiting for PostgreSQL), the Redis safety check,
 * the workers, and a graceful SIGTERM/SIGINT: stop taking jobs, finish
 * in-flight ones within `SHUTDOWN_TIMEOUT_MS`, exit 0.
 */
export async function runWorkerProcess(options: WorkerProcessOptions = {}): Promise<void> {
  // First: `npm start` dying while this still starts (migrating, waiting for PostgreSQL) stops it too.
  stopWithParent();
  const logger = options.logger ?? createLogger({ base: { app: "worker" } });
  let env: WorkerEnv;
  try {
    env = loadWorkerEnv(options.source ?? process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(78); // EX_CONFIG
  }

  const mismatch = await redisModeMismatch({ url: env.redisUrl, cluster: env.redisCluster });
  if (mismatch) {
    console.error(mismatch);
    process.exit(78); // a Redis of the other kind never starts working by waiting
  }

  let running: RunningWorkers | undefined;
  let health: HealthServer | undefined;
  const healthPort = env.reliability.healthPort;
  if (healthPort !== null) {
    health = await startHealthServer({
      port: healthPort,
      host: env.reliability.healthHost,
      logger,
      readiness: async () => (running ? running.readiness() : { ready: false, starting: true }),
      metrics: createProcessMetrics("herald_worker_"),
    }).catch((err: NodeJS.ErrnoException) => {
      const problem = listenProblem(err, {
        what: "herald worker's health server",
        host: env.reliability.healthHost,
        port: healthPort,
        portVar: "WORKER_HEALTH_PORT",
        hostVar: "WORKER_HEALTH_HOST",
      });
      if (!problem) throw err;
      console.error(problem);
      process.exit(78); // EX_CONFIG: restarting meets the same port
    });
  }

  // Migrations need PostgreSQL; a worker started while it is down waits for it instead of crash-looping.
  if (env.migrateOnStart) await migrateWhenReachable(env.databaseUrl, logger);
  let deps: WorkerDeps;
  try {
    deps = createWorkerDeps(env, { logger, ...options.overrides });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(78);
  }
  running = startWorkers(deps);
  // Not awaited: with Redis down at start-up the check waits for it, like the workers do.
  warnIfRedisUnsafe(deps, logger).catch((err) => logger.warn({ err }, "Redis safety check failed"));

  let stopping = false;
  // SIGHUP: the terminal `npm start` ran in was closed; Node would otherwise exit at once, mid-send.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Closing connections can hang on a dead dependency; the bound is the shutdown timeout plus slack.
      setTimeout(() => process.exit(1), env.shutdownTimeoutMs + 10_000).unref();
      logger.info(
        { signal, timeoutMs: env.shutdownTimeoutMs },
        "stopping: no new jobs, finishing in-flight ones",
      );
      running!
        .close()
        .then(() => deps.close())
        .then(() => health?.close())
        .then(
          () => {
            logger.info("stopped");
            process.exit(0);
          },
          (err) => {
            logger.error({ err }, "error during shutdown");
            process.exit(1);
          },
        );
    });
  }
}
