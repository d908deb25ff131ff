import { stopWithParent } from "@herald/config";
import { redisModeMismatch } from "@herald/jobs";
import { createLogger } from "@herald/logger";
import { loadApiEnv } from "./env.ts";
import { ListenError, startApi } from "./start-api.ts";

// First: `npm start` dying while this still starts (migrating, waiting for Redis) stops it too.
stopWithParent();
const logger = createLogger({ base: { app: "api" } });

let env: ReturnType<typeof loadApiEnv>;
try {
  env = loadApiEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(78); // EX_CONFIG
}

const mismatch = await redisModeMismatch({ url: env.REDIS_URL, cluster: env.REDIS_CLUSTER });
if (mismatch) {
  console.error(mismatch);
  process.exit(78); // EX_CONFIG: a Redis of the other kind never starts working by waiting
}

const api = await startApi(env, logger).catch((err: unknown) => {
  if (!(err instanceof ListenError)) throw err;
  console.error(err.message);
  process.exit(78); // EX_CONFIG: npm start stops instead of restarting into the same wall
});
let stopping = false;
// SIGHUP: the terminal `npm start` ran in was closed; Node would otherwise exit at once.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), env.SHUTDOWN_DRAIN_MS + 10_000);
    force.unref();
    api.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, "error during shutdown");
        process.exit(1);
      },
    );
  });
}
