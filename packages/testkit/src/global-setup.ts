import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrateDatabase } from "@herald/db";
import {
  createDatabase,
  ensureDashboardBuild,
  freePort,
  PostgresServer,
  RedisServer,
} from "@herald/devstack";
import type { TestProject } from "vitest/node";

import "./provided-context.ts";

/**
 * Once per `vitest run`: a PostgreSQL and a Redis of our own, on free ports,
 * in a fresh directory (so a test run never touches a developer's data or
 * another run's). `TEST_DATABASE_URL` / `TEST_REDIS_URL` point at existing
 * servers instead. The template database carries the migrations; each test
 * file copies it.
 */
interface RunRecord {
  owner: number;
  pids: number[];
  dirs: string[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Servers of earlier runs that died without their teardown (a killed vitest) are stopped here. */
function reapStaleRuns(base: string): void {
  if (!existsSync(base)) return;
  for (const entry of readdirSync(base)) {
    const record = join(base, entry, "servers.json");
    if (!existsSync(record)) continue;
    const run = JSON.parse(readFileSync(record, "utf8")) as RunRecord;
    if (alive(run.owner)) continue;
    for (const pid of run.pids) if (alive(pid)) process.kill(pid, "SIGKILL");
    for (const dir of [...run.dirs, join(base, entry)]) rmSync(dir, { recursive: true, force: true });
  }
}

interface Stack {
  context: { pgServerUrl: string; templateDb: string; redisUrl: string };
  /** Projects set up and not torn down yet. */
  users: number;
  stop: () => Promise<void>;
}

// Vitest runs the global setup once per project (the suite has three: unit, parallel, faults),
// each in its own module graph; the projects share one stack through the process's global.
const SHARED = Symbol.for("herald.testkit.stack");
const shared = globalThis as { [SHARED]?: Promise<Stack> | undefined };

export default async function setup(project: TestProject) {
  shared[SHARED] ??= startStack();
  const stack = await shared[SHARED];
  stack.users++;
  project.provide("pgServerUrl", stack.context.pgServerUrl);
  project.provide("templateDb", stack.context.templateDb);
  project.provide("redisUrl", stack.context.redisUrl);
  return async () => {
    if (--stack.users > 0) return;
    shared[SHARED] = undefined;
    await stack.stop();
  };
}

async function startStack(): Promise<Stack> {
  // The API serves apps/dashboard/dist and the browser tests drive it: build it when missing or stale.
  ensureDashboardBuild(process.cwd(), (line) => console.info(`[testkit] ${line}`));
  const base = join(process.cwd(), ".herald", "test");
  reapStaleRuns(base);
  const root = join(base, `run-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const record: RunRecord = { owner: process.pid, pids: [], dirs: [] };

  let pgServerUrl = process.env.TEST_DATABASE_URL;
  if (!pgServerUrl) {
    const pg = new PostgresServer({
      dataDir: join(root, "pg"),
      port: await freePort(),
      // Durability is not under test here except in the chaos suite, which runs its own server.
      settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: "400" },
    });
    rmSync(pg.dataDir, { recursive: true, force: true });
    await pg.start();
    record.pids.push(pg.pid!);
    record.dirs.push(pg.dataDir);
    stops.push(async () => {
      await pg.stop();
      rmSync(pg.dataDir, { recursive: true, force: true });
    });
    pgServerUrl = pg.url();
  }
  let redisUrl = process.env.TEST_REDIS_URL;
  if (!redisUrl) {
    const redis = new RedisServer({ dir: join(root, "redis"), port: await freePort(), appendonly: false });
    await redis.start();
    record.pids.push(redis.pid!);
    stops.push(() => redis.stop());
    redisUrl = redis.url;
  }

  writeFileSync(join(root, "servers.json"), JSON.stringify(record));

  const templateDb = `herald_template_${process.pid}`;
  const templateUrl = await createDatabase(pgServerUrl, templateDb);
  await migrateDatabase(templateUrl);

  return {
    context: { pgServerUrl, templateDb, redisUrl },
    users: 0,
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
}
