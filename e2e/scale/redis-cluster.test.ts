import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type AppProcess, freePort, spawnApp, waitUntilAnswering } from "@herald/devstack";
import { catalog } from "@herald/templates";
import {
  eventually,
  startTestRedisCluster,
  type TestDatabase,
  type TestRedisCluster,
  testDatabase,
  testQueuePrefix,
  WORKER_MAIN,
} from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSse, type SseClient } from "../harness/index.ts";

/**
 * Herald on a real Redis Cluster: a local 3-master cluster (three
 * redis-server processes), the API and one worker as real processes with
 * REDIS_CLUSTER=true and only the seed list. One order_placed event goes out
 * on all four channels, the in-app one reaches an open inbox stream through
 * cluster pub/sub, and the queues' keys sit on more than one node.
 */
const REPO = resolve(import.meta.dirname, "../..");
const API_MAIN = join(REPO, "apps/api/src/main.ts");
const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;

let rc: TestRedisCluster;
let db: TestDatabase;
let logs: string;
let prefix: string;
let apiUrl: string;
let workerHealth: string;
const apps: AppProcess[] = [];
let stream: SseClient | undefined;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

beforeAll(async () => {
  rc = await startTestRedisCluster();
  db = await testDatabase();
  prefix = testQueuePrefix();
  logs = mkdtempSync(join(tmpdir(), "herald-cluster-e2e-"));
  const [apiPort, healthPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  workerHealth = `http://127.0.0.1:${healthPort}`;
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    DATABASE_URL: db.url,
    REDIS_URL: rc.url,
    REDIS_CLUSTER: "true",
    QUEUE_PREFIX: prefix,
    MIGRATE_ON_START: "false",
    PUBLIC_URL: apiUrl,
  };
  const api = spawnApp({
    entry: API_MAIN,
    cwd: REPO,
    env: { ...env, PORT: String(apiPort), HOST: "127.0.0.1", HERALD_API_KEY: apiKey },
    logFile: join(logs, "api.log"),
  });
  apps.push(api);
  const worker = spawnApp({
    entry: WORKER_MAIN,
    cwd: REPO,
    env: {
      ...env,
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_HEALTH_HOST: "127.0.0.1",
      RETRY_SCHEDULE: "0,200ms,400ms,800ms",
      // Two caps on one (category, channel): the cap script takes two keys, one hash tag.
      FREQUENCY_CAPS: "transactional:email:50/1h,transactional:email:100/1d",
    },
    logFile: join(logs, "worker.log"),
  });
  apps.push(worker);
  await Promise.all([
    waitUntilAnswering(api, `${apiUrl}/readyz`, { what: "api", timeoutMs: 60_000 }),
    waitUntilAnswering(worker, `${workerHealth}/readyz`, { what: "worker", timeoutMs: 60_000 }),
  ]);
}, 120_000);

afterAll(async () => {
  stream?.close();
  await Promise.all(apps.map((a) => a.stop()));
  await db?.drop();
  await rc?.stop();
  if (logs && !process.env.KEEP_TEST_LOGS) rmSync(logs, { recursive: true, force: true });
});

const subscription = {
  endpoint: "https://push.example.test/send/cluster",
  keys: {
    p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  },
};

describe("Herald on a Redis Cluster", () => {
  it("answers ready with the cluster as its Redis", async () => {
    const api = (await fetch(`${apiUrl}/readyz`).then((r) => r.json())) as any;
    expect(api.checks.redis.ok).toBe(true);
    const worker = (await fetch(`${workerHealth}/readyz`).then((r) => r.json())) as any;
    expect(worker).toMatchObject({ ready: true, redis: "up", consuming: true });
  });

  it("sends order_placed on push, email, SMS and in-app, and streams the in-app one", async () => {
    const userId = "cluster-ada";
    expect(
      (await call("PUT", `/v1/users/${userId}`, { email: "ada@example.com", phone: "+14155550100" })).status,
    ).toBe(200);
    expect(
      (await call("POST", `/v1/users/${userId}/devices`, { kind: "webpush", subscription })).status,
    ).toBe(201);
    const { token } = (await call("GET", `/v1/users/${userId}/token`)).body;
    stream = await openSse(`${apiUrl}/v1/users/${userId}/inbox/stream?token=${token}`);
    expect(stream.status).toBe(200);
    await stream.waitFor((e) => e.event === "counts");

    const res = await call("POST", "/v1/events", {
      type: "order_placed",
      userId,
      data: catalog.order_placed.example,
    });
    expect(res.status, res.text).toBe(202);
    let last: unknown;
    const event = await eventually(
      async () => {
        const e = (await call("GET", `/v1/events/${res.body.eventId}`)).body;
        last = e;
        return e.status === "routed" && e.notifications.every((n: { sentAt?: string }) => n.sentAt)
          ? e
          : null;
      },
      30_000,
      100,
    ).catch((err: Error) => {
      const brief = JSON.stringify(last, (k, v) => (k === "content" ? undefined : v));
      throw new Error(`${err.message}: ${brief}\nworker log:\n${apps[1]!.output().slice(-3000)}`);
    });
    const byChannel = Object.fromEntries(
      event.notifications.map((n: { channel: string; id: string }) => [n.channel, n.id]),
    );
    expect(Object.keys(byChannel).sort()).toEqual(["email", "in_app", "push", "sms"]);
    // Every one reached SENT; the in-app one may have gone on to DELIVERED on the open stream.
    const statuses = Object.fromEntries(
      event.notifications.map((n: { channel: string; status: string }) => [n.channel, n.status]),
    );
    expect(statuses).toEqual({
      email: "SENT",
      sms: "SENT",
      push: "SENT",
      in_app: expect.stringMatching(/^(SENT|DELIVERED)$/),
    });
    const [sent] = await db.sql<{ n: number }[]>`
      select count(distinct notification_id)::int as n from notification_timeline where status = 'SENT'`;
    expect(sent!.n).toBe(4);

    // The worker published on the node holding the user's inbox log; the API listens on any node.
    const live = await stream.waitFor((e) => e.event === "notification", 10_000);
    expect(JSON.parse(live.data).id).toBe(byChannel.in_app);

    const outbox = await db.sql<{ channel: string }[]>`select channel from outbox_messages order by channel`;
    expect(outbox.map((o) => o.channel)).toEqual(["email", "push", "sms"]);
  }, 60_000);

  it("keeps each queue on one node and the queues on several nodes", async () => {
    const byNode = await rc.cluster.keysByNode(`${prefix}:*`);
    const nodeOf = new Map(byNode.flatMap(({ url, keys }) => keys.map((k) => [k, url] as const)));
    const queueNodes = new Map<string, Set<string>>();
    for (const [key, url] of nodeOf) {
      const queue = /^[^:]+:\{([a-z_]+)\}:/.exec(key)?.[1];
      if (!queue) continue;
      const nodes = queueNodes.get(queue) ?? new Set<string>();
      nodes.add(url);
      queueNodes.set(queue, nodes);
    }
    for (const queue of ["events", "push", "email", "sms", "in_app"]) {
      expect(queueNodes.get(queue)?.size, `${queue}: ${JSON.stringify(byNode)}`).toBe(1);
    }
    const used = new Set([...queueNodes.values()].flatMap((s) => [...s]));
    expect(used.size, JSON.stringify([...queueNodes].map(([q, s]) => [q, [...s]]))).toBeGreaterThan(1);
    // Herald's own keys are there too: frequency caps, the shared metrics, the inbox log.
    const keys = [...nodeOf.keys()];
    expect(keys.some((k) => k.startsWith(`${prefix}:{cap:`))).toBe(true);
    expect(keys).toContain(`${prefix}:{metrics}:shared`);
    expect(keys.some((k) => k.startsWith(`${prefix}:inbox-log:`))).toBe(true);
    // The API's rate limiter counted our calls (a script on the key's own slot).
    expect(keys.some((k) => k.startsWith(`${prefix}:ratelimit:`))).toBe(true);
  });

  it("serves /metrics from the cluster: queue gauges and the worker's shared counters", async () => {
    const text = await eventually(async () => {
      const body = await fetch(`${apiUrl}/metrics`).then((r) => r.text());
      return /herald_jobs_completed_total\{queue="email"\} 1\b/.test(body) ? body : null;
    }, 10_000);
    expect(text).toMatch(/herald_metrics_source_up\{source="redis"\} 1\b/);
    expect(text).toMatch(/herald_queue_depth\{queue="email"\} 0\b/);
  });
});
