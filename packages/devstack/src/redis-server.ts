import { execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { OwnedServer } from "./owned-server.ts";

export const REDIS_INSTALL_HINT =
  "Herald needs Redis 6.2+. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) " +
  "so `redis-server` is on PATH, or set REDIS_URL=redis://host:6379 to use a running one.";

/** Path of `redis-server` on PATH, or null. */
export function findRedisServer(): string | null {
  for (const candidate of [
    "redis-server",
    "/usr/bin/redis-server",
    "/usr/local/bin/redis-server",
    "/usr/sbin/redis-server",
  ]) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

export interface RedisServerOptions {
  dir: string;
  port: number;
  /** AOF persistence, fsync every second. Default true: queued jobs survive a restart. */
  appendonly?: boolean;
  /** More `redis-server` arguments after Herald's own (e.g. `--cluster-enabled yes`). Default none. */
  extraArgs?: string[];
}

/**
 * A `redis-server` owned by this process, configured the way BullMQ needs:
 * `maxmemory-policy noeviction` and AOF on. `kill()` is a crash: whatever
 * the AOF's fsync had not written is gone.
 */
export class RedisServer extends OwnedServer {
  readonly options: RedisServerOptions;

  constructor(options: RedisServerOptions) {
    super();
    this.options = options;
  }

  /** Where the server writes its pid (a later `npm start` finds one left running by it). */
  get pidFile(): string {
    return join(this.options.dir, `redis-${this.options.port}.pid`);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.options.port}`;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const bin = findRedisServer();
    if (!bin) throw new Error(REDIS_INSTALL_HINT);
    mkdirSync(this.options.dir, { recursive: true });
    const aof = this.options.appendonly ?? true;
    const args = [
      "--port",
      String(this.options.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      this.options.dir,
      "--appendonly",
      aof ? "yes" : "no",
      "--appendfsync",
      "everysec",
      "--save",
      "",
      "--maxmemory-policy",
      "noeviction",
      "--daemonize",
      "no",
      "--logfile",
      join(this.options.dir, `redis-${this.options.port}.log`),
      "--pidfile",
      this.pidFile,
      ...(this.options.extraArgs ?? []),
    ];
    // Own process group, like PostgreSQL: stopped by us after the apps, not by a Ctrl-C.
    const child = spawn(bin, args, { stdio: "ignore", detached: true });
    await this.adopt(child, {
      what: `redis-server on port ${this.options.port}`,
      logHint: this.options.dir,
      timeoutMs: 15_000,
      answers: async () => {
        const r = new Redis(this.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        r.on("error", () => {});
        try {
          await r.connect();
          return (await r.ping()) === "PONG";
        } finally {
          r.disconnect();
        }
      },
    });
  }

  /** Clean shutdown (SIGTERM): the AOF is flushed. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }
}
