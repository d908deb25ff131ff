import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDb, type DbHandle, migrateDatabase } from "@herald/db";
import {
  type AppProcess,
  createDatabase,
  freePort,
  PostgresServer,
  RedisServer,
  spawnApp,
  waitUntilAnswering,
} from "@herald/devstack";

const REPO = resolve(import.meta.dirname, "../../..");

/** The worker's real entry point. */
export const WORKER_MAIN = join(REPO, "apps/worker/src/main.ts");

export interface WorkerProcess extends AppProcess {
  healthUrl: string;
  /** HTTP status of `/readyz`, or 0 when nothing answers. */
  readyz(): Promise<number>;
}

export interface FaultStack {
  dir: string;
  pg: PostgresServer;
  redis: RedisServer;
  databaseUrl: string;
  redisUrl: string;
  /** A pool on the stack's database for the test's own queries (reconnects after a restart). */
  db: DbHandle;
  /** Environment every process of this stack gets. */
  env: Record<string, string>;
  /**
   * A worker as a real child process (`node --import tsx <entry>`), with a
   * health server on a free port; resolves once `/healthz` answers.
   */
  spawnWorker(env?: Record<string, string>, entry?: string): Promise<WorkerProcess>;
  stop(): Promise<void>;
}

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

/**
 * A PostgreSQL and a Redis (AOF on, like production) owned by one test file,
 * so it can stop, restart and kill them without disturbing other files, plus
 * real worker processes to kill. Everything is torn down by `stop()`, and
 * killed if the test process exits first.
 */
export async function startFaultStack(name: string): Promise<FaultStack> {
  const dir = join(
    REPO,
    ".herald",
    "test",
    `faults-${name}-${process.pid}-${randomBytes(3).toString("hex")}`,
  );
  const pg = new PostgresServer({
    dataDir: join(dir, "pg"),
    port: await freePort(),
    // Durability of PostgreSQL itself is not under test: it is stopped cleanly.
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
  });
  await pg.start();
  const redis = new RedisServer({ dir: join(dir, "redis"), port: await freePort(), appendonly: true });
  await redis.start();
  const children: AppProcess[] = [];
  const emergency = () => {
    for (const pid of [pg.pid, redis.pid, ...children.map((c) => c.pid)]) {
      try {
        if (pid) process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", emergency);

  const databaseUrl = await createDatabase(pg.url(), "herald");
  await migrateDatabase(databaseUrl);
  const db = createDb(databaseUrl, { max: 4, connectTimeout: 2 });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "test",
    LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? "info",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: "herald",
    MIGRATE_ON_START: "false",
    JOB_LOCK_MS: "2000",
    RETRY_SCHEDULE: "0,200ms,400ms,800ms",
  };
  let workers = 0;

  return {
    dir,
    pg,
    redis,
    databaseUrl,
    redisUrl: redis.url,
    db,
    env,
    async spawnWorker(extra = {}, entry = WORKER_MAIN) {
      const port = await freePort();
      const app = spawnApp({
        entry,
        cwd: REPO,
        env: { ...env, WORKER_HEALTH_PORT: String(port), WORKER_HEALTH_HOST: "127.0.0.1", ...extra },
        logFile: join(dir, `worker-${++workers}.log`),
      });
      children.push(app);
      const healthUrl = `http://127.0.0.1:${port}`;
      await waitUntilAnswering(app, `${healthUrl}/healthz`, {
        what: "worker",
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      return Object.assign(app, { healthUrl, readyz: () => status(`${healthUrl}/readyz`) });
    },
    async stop() {
      await Promise.all(children.map((c) => c.kill()));
      await db.close().catch(() => {});
      await redis.stop();
      await pg.stop();
      process.off("exit", emergency);
      if (!process.env.KEEP_FAULT_DIRS) {
        rmSync(dir, { recursive: true, force: true });
        // Where the postgres user could not reach `dir` (root's 0700 temp dirs), the data lived elsewhere.
        rmSync(pg.dataDir, { recursive: true, force: true });
      }
    },
  };
}
