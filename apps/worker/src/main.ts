import { migrateDatabase } from "@herald/db";
import { checkRedisSafety } from "@herald/jobs";
import { createLogger } from "@herald/logger";
import { createWorkerDeps } from "./deps.ts";
import { loadWorkerEnv, type WorkerEnv } from "./env.ts";
import { startWorkers } from "./start-workers.ts";

const logger = createLogger({ base: { app: "worker" } });

let env: WorkerEnv;
try {
  env = loadWorkerEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(78); // EX_CONFIG
}

if (env.migrateOnStart) await migrateDatabase(env.databaseUrl);
let deps: ReturnType<typeof createWorkerDeps>;
try {
  deps = createWorkerDeps(env, { logger });
} catch (err) {
  console.error((err as Error).message);
  process.exit(78);
}
const safety = await checkRedisSafety(deps.redis);
for (const problem of safety.problems) logger.warn(problem);
const running = startWorkers(deps);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: no new jobs, finishing in-flight sends");
    running
      .close()
      .then(() => deps.close())
      .then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, "error during shutdown");
          process.exit(1);
        },
      );
  });
}
