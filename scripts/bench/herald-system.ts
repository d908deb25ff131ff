import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDb, type DbHandle, migrateDatabase } from "@herald/db";
import {
  type AppProcess,
  appNodeOptions,
  createDatabase,
  dropDatabase,
  freePorts,
  type HeraldApp,
  spawnApp,
  waitUntilAnswering,
} from "@herald/devstack";
import { Redis } from "ioredis";
import { type CpuMeter, meterCpu, redisPid, type ScenarioDiagnostics } from "./cpu-usage.ts";
import { meterEventLoop } from "./event-loop-delay.ts";
import { samplePgActivity } from "./pg-activity.ts";
import { meterPgStatements } from "./pg-statements.ts";

export const REPO = resolve(import.meta.dirname, "../..");
/** PostgreSQL server the bench creates its databases on (trust auth). */
export const PG_SERVER_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface SystemOptions {
  /** Name for logs and the database (`herald_bench_<name>_<hex>`). */
  name: string;
  workers: number;
  /** Extra worker processes with `WORKER_LANES=critical` (the others get `normal`). Default 0. */
  criticalWorkers?: number;
  /** Extra environment for every worker process. */
  workerEnv?: Record<string, string>;
  apiEnv?: Record<string, string>;
  /** `node --cpu-prof` into this directory. */
  profileDir?: string;
}

export interface HeraldSystem {
  url: string;
  apiKey: string;
  prefix: string;
  databaseUrl: string;
  /** The bench's own pool on the system's database (for measuring). */
  db: DbHandle;
  redis: Redis;
  api: AppProcess;
  workers: AppProcess[];
  /** pid per process name (`api`, `worker-1`…), for the memory sampler. */
  pids(): Record<string, number>;
  /** Starts measuring CPU use of the processes, their PostgreSQL backends and Redis. */
  meterCpu(): Promise<CpuMeter>;
  stop(): Promise<void>;
}

/** Settings given as JSON in a bench variable: `BENCH_ENV` (every process), `BENCH_API_ENV`, `BENCH_WORKER_ENV`. */
function jsonEnv(name: string): Record<string, string> {
  const value = process.env[name];
  return value ? (JSON.parse(value) as Record<string, string>) : {};
}

/**
 * The real system as separate processes, as production runs it: one API
 * process and `workers` worker processes (`node --import tsx …/main.ts`), on
 * a fresh database and a unique queue prefix on this machine's PostgreSQL and Redis.
 */
export async function startSystem(options: SystemOptions): Promise<HeraldSystem> {
  const tag = randomBytes(4).toString("hex");
  const dbName = `herald_bench_${options.name}_${tag}`;
  const tcpUrl = await createDatabase(PG_SERVER_URL, dbName);
  // BENCH_PG_SOCKET=/var/run/postgresql: the system reaches PostgreSQL by that Unix socket (libpq's ?host=).
  const databaseUrl = process.env.BENCH_PG_SOCKET ? `${tcpUrl}?host=${process.env.BENCH_PG_SOCKET}` : tcpUrl;
  await migrateDatabase(databaseUrl);
  if (process.env.BENCH_NO_STATS_TRIGGERS) {
    // Diagnosis only: what the /v1/stats rollup triggers cost the write path.
    const h = createDb(databaseUrl, { max: 1 });
    await h.sql`alter table notifications disable trigger notifications_stats_insert`;
    await h.sql`alter table notifications disable trigger notifications_stats_update`;
    await h.close();
  }
  const prefix = `bench${tag}`;
  const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;
  const critical = options.criticalWorkers ?? 0;
  // All at once: a worker's health port must not be the API's before it binds.
  const [port, ...healthPorts] = (await freePorts(1 + options.workers + critical)) as [number, ...number[]];
  const url = `http://127.0.0.1:${port}`;
  const logDir = join(REPO, ".herald", "bench", "logs", `${options.name}-${tag}`);
  mkdirSync(logDir, { recursive: true });
  const common: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    // As deployed: React's production build, production config checks. The dev
    // outbox is still the provider unless a scenario names one.
    NODE_ENV: "production",
    EMAIL_PROVIDERS: "outbox",
    SMS_PROVIDERS: "outbox",
    PUSH_PROVIDERS: "outbox",
    UNSUBSCRIBE_SECRET: `bench-unsubscribe-${tag}`,
    TRACKING_SECRET: `bench-tracking-secret-${tag}-0123456789abcdef`,
    VAPID_SUBJECT: "mailto:bench@herald.example",
    // e.g. BENCH_NODE_OPTIONS=--max-old-space-size=192 to try other node flags in every process.
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    // e.g. BENCH_ENV='{"FANOUT_PAGE_SIZE":"500"}' to try other settings in every process.
    ...jsonEnv("BENCH_ENV"),
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    MIGRATE_ON_START: "false",
    PUBLIC_URL: url,
  };
  // As deployed (npm start, docker-compose): each app's heap cap, unless BENCH_NODE_OPTIONS.
  const nodeOptions = (app: HeraldApp) =>
    process.env.BENCH_NODE_OPTIONS ??
    appNodeOptions(app, {
      API_NODE_OPTIONS: process.env.API_NODE_OPTIONS,
      WORKER_NODE_OPTIONS: process.env.WORKER_NODE_OPTIONS,
    });
  // BENCH_NODE_ARGS: flags NODE_OPTIONS refuses (V8's GC threading, --trace-gc), for every process.
  const nodeArgs = [
    ...(process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []),
    ...(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}/${options.name}`] : []),
  ];
  const api = spawnApp({
    entry: join(REPO, "apps/api/src/main.ts"),
    cwd: REPO,
    nodeArgs,
    env: {
      ...common,
      NODE_OPTIONS: nodeOptions("api"),
      HERALD_API_KEY: apiKey,
      PORT: String(port),
      HOST: "127.0.0.1",
      API_RATE_LIMIT: "off",
      ...options.apiEnv,
      ...jsonEnv("BENCH_API_ENV"),
    },
    logFile: join(logDir, "api.log"),
  });
  const workers: AppProcess[] = [];
  const healthUrls: string[] = [];
  const metricsUrls: Record<string, string> = { api: `${url}/metrics` };
  for (let i = 1; i <= options.workers + critical; i++) {
    const healthPort = healthPorts[i - 1];
    healthUrls.push(`http://127.0.0.1:${healthPort}/readyz`);
    metricsUrls[`worker-${i}`] = `http://127.0.0.1:${healthPort}/metrics`;
    const lanes = critical === 0 ? {} : { WORKER_LANES: i > options.workers ? "critical" : "normal" };
    workers.push(
      spawnApp({
        entry: join(REPO, "apps/worker/src/main.ts"),
        cwd: REPO,
        nodeArgs,
        env: {
          ...common,
          NODE_OPTIONS: nodeOptions("worker"),
          WORKER_HEALTH_PORT: String(healthPort),
          WORKER_HEALTH_HOST: "127.0.0.1",
          ...lanes,
          ...options.workerEnv,
          ...jsonEnv("BENCH_WORKER_ENV"),
        },
        logFile: join(logDir, `worker-${i}.log`),
      }),
    );
  }
  const all = [api, ...workers];
  try {
    await waitUntilAnswering(api, `${url}/healthz`, { what: "api" });
    await Promise.all(
      workers.map((w, i) => waitUntilAnswering(w, healthUrls[i]!, { what: `worker-${i + 1}` })),
    );
  } catch (err) {
    await Promise.all(all.map((p) => p.kill()));
    await dropDatabase(PG_SERVER_URL, dbName).catch(() => {});
    throw err;
  }
  const db = createDb(databaseUrl, { max: 4 });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  return {
    url,
    apiKey,
    prefix,
    databaseUrl,
    db,
    redis,
    api,
    workers,
    pids: () => Object.fromEntries(all.map((p, i) => [i === 0 ? "api" : `worker-${i}`, p.pid])),
    async meterCpu() {
      const pids = Object.fromEntries(all.map((p, i) => [i === 0 ? "api" : `worker-${i}`, p.pid]));
      const loop = await meterEventLoop(metricsUrls);
      const cpu = await meterCpu(pids, db, await redisPid(await redis.info("server")));
      const pg = samplePgActivity(db);
      const statements = await meterPgStatements(db);
      let diagnostics: ScenarioDiagnostics = {};
      return {
        async stop() {
          const [usage, eventLoopP99Ms, pgActivity, pgStatements] = await Promise.all([
            cpu.stop(),
            loop.stop(),
            pg.stop(),
            statements.stop(),
          ]);
          diagnostics = {
            ...cpu.diagnostics?.(),
            eventLoopP99Ms,
            pgActivity,
            ...(pgStatements ? { pgStatements } : {}),
          };
          return usage;
        },
        diagnostics: () => diagnostics,
      };
    },
    async stop() {
      // SIGTERM lets each process finish (and write its CPU profile).
      await Promise.all(all.map((p) => p.stop()));
      await db.close();
      if (!process.env.BENCH_KEEP_DB) await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
      // BENCH_KEEP_DB=1 keeps the database and the queues for a look afterwards.
      if (!process.env.BENCH_KEEP_DB) await dropDatabase(PG_SERVER_URL, dbName).catch(() => {});
      else console.info(`[bench] kept ${databaseUrl}`);
    },
  };
}

/** Removes this run's keys only (other helpers share the Redis). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}
