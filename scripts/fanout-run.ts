/**
 * `npx tsx scripts/fanout-run.ts [subscribers]` (default 100,000): one event
 * to a topic of that many users, through a real API process and worker
 * process(es) on a fresh database, sending to the dev outbox. Prints how
 * long subscribing, creating every notification and sending them all took,
 * and each process's peak RSS (VmHWM). Not a test: a measurement.
 *
 * Env: PG_SERVER_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * REDIS_URL (default redis://127.0.0.1:6379), WORKERS (default 1),
 * FANOUT_PAGE_SIZE, FANOUT_PAGE_CONCURRENCY, FANOUT_TYPE (default weekly_promo), FANOUT_CHANNELS (e.g. `in_app`).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDb, ensureBootstrapKey, migrateDatabase } from "@herald/db";
import { type AppProcess, createDatabase, dropDatabase, freePort, spawnApp, waitFor } from "@herald/devstack";
import { catalog, type NotificationTypeName } from "@herald/templates";
import { Redis } from "ioredis";

const n = Number(process.argv[2] ?? 100_000);
const server = process.env.PG_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const workers = Number(process.env.WORKERS ?? 1);
const type = (process.env.FANOUT_TYPE ?? "weekly_promo") as NotificationTypeName;
const channels = process.env.FANOUT_CHANNELS?.split(",");
const repo = resolve(import.meta.dirname, "..");
const say = (line: string) => console.info(`[fanout] ${line}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const name = `herald_fanout_${randomBytes(4).toString("hex")}`;
const prefix = `fo${randomBytes(4).toString("hex")}`;
const url = await createDatabase(server, name);
await migrateDatabase(url);
const db = createDb(url, { max: 2 });
const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;
await ensureBootstrapKey(db.db, apiKey);
const port = await freePort();
const common = {
  PATH: process.env.PATH,
  DATABASE_URL: url,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: prefix,
  MIGRATE_ON_START: "false",
  NODE_ENV: "development",
  LOG_LEVEL: "warn",
  ...(process.env.FANOUT_PAGE_SIZE ? { FANOUT_PAGE_SIZE: process.env.FANOUT_PAGE_SIZE } : {}),
  ...(process.env.FANOUT_PAGE_CONCURRENCY
    ? { FANOUT_PAGE_CONCURRENCY: process.env.FANOUT_PAGE_CONCURRENCY }
    : {}),
};
const logDir = join(tmpdir(), name);
const procs: { role: string; p: AppProcess }[] = [
  {
    role: "api",
    p: spawnApp({
      entry: "apps/api/src/main.ts",
      cwd: repo,
      env: { ...common, PORT: String(port), HOST: "127.0.0.1", HERALD_API_KEY: apiKey },
      logFile: join(logDir, "api.log"),
    }),
  },
  ...Array.from({ length: workers }, (_, i) => ({
    role: `worker${i + 1}`,
    p: spawnApp({
      entry: "apps/worker/src/main.ts",
      cwd: repo,
      env: common,
      // e.g. FANOUT_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the fan-out.
      nodeArgs: process.env.FANOUT_WORKER_NODE_ARGS?.split(" ") ?? [],
      logFile: join(logDir, `worker${i + 1}.log`),
    }),
  })),
];
const base = `http://127.0.0.1:${port}`;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a measurement script reading known answers
  const json = (await res.json()) as Record<string, any>;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const peak = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};

try {
  await waitFor(
    async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true,
    30_000,
    "the API",
  );
  let t = performance.now();
  const batches = Array.from({ length: Math.ceil(n / 1000) }, (_, b) => b);
  for (let i = 0; i < batches.length; i += 4) {
    await Promise.all(
      batches.slice(i, i + 4).map((b) =>
        call("POST", "/v1/topics/everyone/subscribers", {
          subscribers: Array.from({ length: Math.min(1000, n - b * 1000) }, (_, k) => ({
            userId: `u-${b * 1000 + k}`,
            email: `u-${b * 1000 + k}@example.com`,
          })),
        }),
      ),
    );
  }
  say(`subscribed ${n} users in ${secs(performance.now() - t)}`);

  t = performance.now();
  const { eventId } = await call("POST", "/v1/events", {
    type,
    topic: "everyone",
    data: catalog[type].example,
    ...(channels ? { channels } : {}),
  });
  let created = 0;
  let routedAt = 0;
  let expected = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const event = await call("GET", `/v1/events/${eventId}`);
    if (event.status === "failed") throw new Error(`event failed: ${event.error}`);
    if (event.status === "routed" && !routedAt) {
      routedAt = performance.now() - t;
      expected = event.fanout.notifications;
      say(`all ${expected} notifications created in ${secs(routedAt)} (${JSON.stringify(event.fanout)})`);
      say(`peak RSS so far: ${procs.map(({ role, p }) => `${role} ${peak(p.pid)} MB`).join(", ")}`);
    }
    const [row] = await db.sql<{ total: number; open: number }[]>`
      select count(*)::int as total, count(*) filter (where status in ('PENDING','QUEUED'))::int as open
      from notifications where event_id = ${eventId}`;
    created = row!.total;
    if (routedAt && row!.open === 0 && created === expected) break;
    if (performance.now() - t > 600_000) throw new Error(`gave up: ${JSON.stringify(row)}`);
  }
  const sent = performance.now() - t;
  const [outbox] = await db.sql<{ n: number }[]>`
    select count(*)::int as n from outbox_messages o join notifications m on m.id = o.notification_id
    where m.event_id = ${eventId}`;
  say(
    `all sent in ${secs(sent)} (outbox rows: ${outbox!.n}); ${Math.round(created / (sent / 1000))} notifications/s`,
  );
  for (const { role, p } of procs) say(`peak RSS ${role}: ${peak(p.pid)} MB`);
} finally {
  await Promise.all(procs.map(({ p }) => p.stop()));
  await db.close();
  await dropDatabase(server, name).catch(() => {});
  const redis = new Redis(redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
  say(`logs in ${logDir}`);
}
