import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { migrateDatabase } from "@herald/db";
import {
  type AppProcess,
  createDatabase,
  freePort,
  PostgresServer,
  RedisServer,
  spawnApp,
  waitUntilAnswering,
} from "@herald/devstack";

export interface WorkerSlot {
  index: number;
  process: AppProcess;
  /** How many times this slot's process was started. */
  starts: number;
  /** Set before we kill or stop it: any other exit is a crash. */
  expectingExit: boolean;
}

export interface ChaosSystem {
  dir: string;
  pg: PostgresServer;
  redis: RedisServer;
  databaseUrl: string;
  apiUrl: string;
  apiKey: string;
  workers: WorkerSlot[];
  /** Starts a fresh worker process in `slot` (after a kill). */
  restartWorker(slot: WorkerSlot): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The real system, as separate processes: PostgreSQL (durable settings),
 * Redis (AOF, noeviction), one API process and N worker processes
 * (`node --import tsx apps/*\/src/main.ts`), each logging to the run directory.
 */
export async function startChaosSystem(
  repo: string,
  dir: string,
  workerCount: number,
  /** Extra worker environment (e.g. RECOVERY_LOOKUP). */
  workerEnv: Record<string, string>,
  /** Told about a worker that exited by itself (it is restarted, as a supervisor would). */
  onCrash: (what: string) => void,
): Promise<ChaosSystem> {
  const pg = new PostgresServer({ dataDir: join(dir, "pg"), port: await freePort() });
  await pg.start();
  const redis = new RedisServer({ dir: join(dir, "redis"), port: await freePort(), appendonly: true });
  await redis.start();
  const databaseUrl = await createDatabase(pg.url(), "herald");
  await migrateDatabase(databaseUrl);

  const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "development",
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? "warn",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: "herald",
    MIGRATE_ON_START: "false",
  };
  const apiPort = await freePort();
  const api = spawnApp({
    entry: join(repo, "apps/api/src/main.ts"),
    cwd: repo,
    env: {
      ...common,
      PORT: String(apiPort),
      HOST: "127.0.0.1",
      HERALD_API_KEY: apiKey,
      DATABASE_POOL_SIZE: "20",
    },
    logFile: join(dir, "logs", "api.log"),
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  let spawned = 0;
  const spawnWorker = async (index: number) => {
    const port = await freePort();
    const proc = spawnApp({
      entry: join(repo, "apps/worker/src/main.ts"),
      cwd: repo,
      env: {
        ...common,
        WORKER_HEALTH_PORT: String(port),
        WORKER_HEALTH_HOST: "127.0.0.1",
        // Faster takeover of a killed worker's jobs, and retries that fit in a run.
        JOB_LOCK_MS: "5000",
        RETRY_SCHEDULE: "0,1s,5s,15s,30s",
        SHUTDOWN_TIMEOUT_MS: "5000",
        RECONCILE_INTERVAL_MS: "10000",
        RECONCILE_AFTER_MS: "30000",
        OPS_ALERT_GROUP_WAIT_MS: "5000",
        ...workerEnv,
      },
      logFile: join(dir, "logs", `worker-${index}.${++spawned}.log`),
    });
    await waitUntilAnswering(proc, `http://127.0.0.1:${port}/healthz`, { what: `worker-${index}` });
    return proc;
  };

  let stopping = false;
  const restartWorker = async (slot: WorkerSlot) => {
    slot.process = await spawnWorker(slot.index);
    slot.expectingExit = false;
    slot.starts++;
    watch(slot);
  };
  const watch = (slot: WorkerSlot) => {
    const proc = slot.process;
    void proc.exited.then(({ code, signal }) => {
      if (slot.expectingExit || stopping || slot.process !== proc) return;
      onCrash(
        `worker-${slot.index} (pid ${proc.pid}) exited by itself (${signal ?? `code ${code}`}); restarting it`,
      );
      slot.expectingExit = true;
      void sleep(1000).then(() => restartWorker(slot));
    });
  };
  const workers: WorkerSlot[] = [];
  for (let i = 0; i < workerCount; i++) {
    const slot = { index: i, process: await spawnWorker(i), starts: 0, expectingExit: false };
    slot.starts = 1;
    workers.push(slot);
    watch(slot);
  }
  await waitUntilAnswering(api, `${apiUrl}/healthz`, { what: "api" });

  return {
    dir,
    pg,
    redis,
    databaseUrl,
    apiUrl,
    apiKey,
    workers,
    restartWorker,
    async stop() {
      stopping = true;
      await Promise.all([api.stop(), ...workers.map((w) => w.process.stop())]);
      await redis.stop();
      await pg.stop();
    },
  };
}
