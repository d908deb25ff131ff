/**
 * `npm start`: everything on one machine. Starts embedded PostgreSQL when
 * DATABASE_URL is unset and a local redis-server when REDIS_URL is unset
 * (both under ./.herald), builds the dashboard if needed, then runs the API
 * and two workers as child processes, restarting them if they crash: one for
 * the bulk (`WORKER_LANES=normal`) and one for the critical lanes, as
 * docker-compose runs them, unless `WORKER_LANES` names one layout for a
 * single worker.
 *
 * `--only api` / `--only worker` run one process (for scaling and fault tests).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDb, ensureBootstrapKey, generateApiKey, migrateDatabase } from "@herald/db";
import {
  appNodeOptions,
  ensureDashboardBuild,
  ensureDevServices,
  findRedisServer,
  type HeraldApp,
  isPortOpen,
  livePidFrom,
  onLauncherExit,
  REDIS_INSTALL_HINT,
  startBanner,
  superviseApps,
  waitFor,
} from "@herald/devstack";

const repo = resolve(import.meta.dirname, "..");
const home = resolve(process.env.HERALD_HOME ?? join(repo, ".herald"));
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
if (only && only !== "api" && only !== "worker") {
  console.error(`--only takes "api" or "worker", not "${only}"`);
  process.exit(2);
}
const say = (line: string) => console.info(`[herald] ${line}`);

const port = process.env.PORT ?? "3000";
// The API's own env check says the same, but only after the servers started.
if (only !== "worker" && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) {
  console.error(`[herald] PORT must be a port number from 1 to 65535, not "${port}"`);
  process.exit(1);
}
// The pid of this home's running `npm start`, if any (see below).
const supervisorFile = join(home, "npm-start.pid");
// Before anything starts: an API that cannot listen would only exit (78) after the servers did.
if (only !== "worker" && (await isPortOpen(Number(port)))) {
  const earlier = livePidFrom(supervisorFile, "scripts/start.ts");
  console.error(
    earlier === undefined
      ? `[herald] port ${port} is already in use (another Herald, or another program): stop it, or choose another port: PORT=${Number(port) + 1} npm start`
      : `[herald] port ${port} is already in use by this home's earlier npm start (pid ${earlier}, in ${supervisorFile}): stop it (kill ${earlier}), or choose another port: PORT=${Number(port) + 1} npm start`,
  );
  process.exit(1);
}

mkdirSync(home, { recursive: true });
if (!process.env.REDIS_URL && !findRedisServer()) {
  console.error(`[herald] ${REDIS_INSTALL_HINT}`);
  process.exit(1);
}

// Whether another `npm start` of this home is running: if none is, servers found running from
// this home's data directories were left by one that was killed, and this one takes them over.
const otherSupervisor = livePidFrom(supervisorFile, "scripts/start.ts");
if (!only && otherSupervisor === undefined) writeFileSync(supervisorFile, `${process.pid}\n`);

const services = await ensureDevServices({
  root: home,
  adoptLeftRunning: !only && otherSupervisor === undefined,
  // Like the apps: a server of ours that dies (the OOM killer) is started again.
  keepRunning: true,
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
  ...(process.env.HERALD_PG_PORT ? { pgPort: Number(process.env.HERALD_PG_PORT) } : {}),
  ...(process.env.HERALD_REDIS_PORT ? { redisPort: Number(process.env.HERALD_REDIS_PORT) } : {}),
  log: say,
});

// A dev API key, kept across restarts so scripts and curl lines keep working.
let apiKey = process.env.HERALD_API_KEY;
if (!apiKey) {
  const keyFile = join(home, "dev-api-key");
  if (!existsSync(keyFile)) writeFileSync(keyFile, `${generateApiKey("test")}\n`, { mode: 0o600 });
  apiKey = readFileSync(keyFile, "utf8").trim();
}

// A dev dashboard admin, unless ADMIN_EMAIL/ADMIN_PASSWORD name one (the API creates that one).
let adminEmail = process.env.ADMIN_EMAIL;
let adminPassword = process.env.ADMIN_PASSWORD;
if (!adminEmail && !adminPassword && process.env.NODE_ENV !== "production") {
  const passwordFile = join(home, "dev-admin-password");
  if (!existsSync(passwordFile))
    writeFileSync(passwordFile, `${randomBytes(12).toString("base64url")}\n`, { mode: 0o600 });
  adminEmail = "admin@herald.local";
  adminPassword = readFileSync(passwordFile, "utf8").trim();
}

try {
  await migrateDatabase(services.databaseUrl);
} catch (err) {
  const { code, message } = err as NodeJS.ErrnoException;
  // Password out of the message; the rest says which server was tried.
  const where = services.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  console.error(
    `[herald] cannot use PostgreSQL at ${where}: ${code && /^E[A-Z]+$/.test(code) ? code : message}. Start it or fix DATABASE_URL; without DATABASE_URL, npm start runs an embedded PostgreSQL.`,
  );
  await services.stop();
  process.exit(1);
}
const db = createDb(services.databaseUrl, { max: 1 });
// A changed HERALD_API_KEY (or a first one after the dev key) revokes the earlier bootstrap key.
for (const earlier of (await ensureBootstrapKey(db.db, apiKey)).revoked)
  say(`HERALD_API_KEY changed: revoked the earlier bootstrap key ${earlier.prefix}…${earlier.lastFour}`);
await db.close();

if (only !== "worker") {
  try {
    ensureDashboardBuild(repo, say);
  } catch (err) {
    say(`${(err as Error).message}; the API still starts`);
  }
}

const childEnv = {
  ...process.env,
  DATABASE_URL: services.databaseUrl,
  REDIS_URL: services.redisUrl,
  HERALD_API_KEY: apiKey,
  ...(adminEmail && adminPassword ? { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } : {}),
  PORT: port,
  PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${port}`,
  MIGRATE_ON_START: "false",
};

// The default layout: the bulk and the critical lanes in workers of their own, as docker-compose runs them.
const splitLanes = !only && !process.env.WORKER_LANES;
// Two workers cannot share one health port: the critical-lanes worker takes the next one.
const healthPort = Number(process.env.WORKER_HEALTH_PORT);
const criticalHealth: Record<string, string> =
  splitLanes && process.env.WORKER_HEALTH_PORT && healthPort > 0
    ? { WORKER_HEALTH_PORT: String(healthPort + 1) }
    : {};
/** The processes to run: an app, and the variables that set its role. */
const PROCESSES: Record<string, { app: HeraldApp; env: Record<string, string> }> = {
  api: { app: "api", env: {} },
  worker: { app: "worker", env: splitLanes ? { WORKER_LANES: "normal" } : {} },
  "worker-critical": { app: "worker", env: { WORKER_LANES: "critical", ...criticalHealth } },
};
const apps = only ? [only] : splitLanes ? Object.keys(PROCESSES) : ["api", "worker"];
let stopping = false;
const supervisor = superviseApps({
  start(name) {
    const { app, env } = PROCESSES[name]!;
    return spawn(process.execPath, ["--import", "tsx", join(repo, "apps", app, "src", "main.ts")], {
      cwd: join(repo, "apps", app),
      // Each app runs with a capped heap (API_NODE_OPTIONS, WORKER_NODE_OPTIONS), as docker-compose runs them.
      env: { ...childEnv, ...env, NODE_OPTIONS: appNodeOptions(app, childEnv) },
      // The IPC channel closes when this process dies, however it dies: the apps stop with it.
      stdio: ["inherit", "inherit", "inherit", "ipc"],
    });
  },
  log: say,
  onConfigError: () => void shutdown(1),
});

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say("stopping…");
  await supervisor.stop();
  await services.stop();
  if (!only && livePidFrom(supervisorFile, "scripts/start.ts") === process.pid) rmSync(supervisorFile);
  process.exit(code);
}
// SIGHUP: the terminal was closed. Without a handler Node exits at once and the servers
// started above (their own process groups) would run on, orphaned.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));
// npm itself killed with SIGKILL (`timeout -s KILL`, a process manager): nothing tells its children.
if (process.env.npm_lifecycle_event) {
  onLauncherExit(() => {
    say("npm, which ran this, is gone");
    void shutdown(0);
  });
}
// With the terminal gone a line written to it fails (EIO); the shutdown must not die of it.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

for (const app of apps) supervisor.run(app);

// Once the API listens: an API refusing its configuration exits first, and the banner (with its
// credentials) would have said it was up.
const listening =
  apps.includes("api") &&
  (await waitFor(async () => stopping || (await isPortOpen(Number(port))), 120_000, "the API to listen").then(
    () => !stopping,
    () => false,
  ));
if (listening) {
  const banner = startBanner({
    base: `http://localhost:${port}`,
    apiKey,
    keyFromEnv: Boolean(process.env.HERALD_API_KEY),
    workerHealth: criticalHealth.WORKER_HEALTH_PORT
      ? { bulk: healthPort, critical: Number(criticalHealth.WORKER_HEALTH_PORT) }
      : undefined,
    devAdmin:
      adminEmail && adminPassword && !process.env.ADMIN_EMAIL
        ? { email: adminEmail, password: adminPassword }
        : undefined,
  });
  for (const line of banner) say(line);
}
