import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { waitFor } from "./net.ts";

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
 * `maxmemory-policy noeviction` and AOF on.
 */
export class RedisServer {
  readonly options: RedisServerOptions;
  private child: ChildProcess | undefined;

  constructor(options: RedisServerOptions) {
    this.options = options;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
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
      ...(this.options.extraArgs ?? []),
    ];
    // Own process group, like PostgreSQL: stopped by us after the apps, not by a Ctrl-C.
    const child = spawn(bin, args, { stdio: "ignore", detached: true });
    this.child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code) =>
        reject(new Error(`redis-server exited with code ${code}; see ${this.options.dir}`)),
      ),
    );
    exited.catch(() => {});
    await Promise.race([
      waitFor(
        async () => {
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
        15_000,
        `redis-server on port ${this.options.port}`,
      ),
      exited,
    ]);
  }

  /** Clean shutdown (SIGTERM): the AOF is flushed. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  /** Crash (SIGKILL): whatever the AOF fsync had not written is gone. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(sig);
    });
    this.child = undefined;
  }
}
