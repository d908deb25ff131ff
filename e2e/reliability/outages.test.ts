import { randomBytes } from "node:crypto";
import { loadApiEnv, type RunningApi, startApi } from "@herald/api";
import { getTimeline, insertEvents, listEventNotifications, sql, upsertRecipient } from "@herald/db";
import { createQueues, createRedis, type Queues } from "@herald/jobs";
import { catalog } from "@herald/templates";
import { eventually, type FaultStack, startFaultStack } from "@herald/testkit";
import { type ChannelSender, createWorkerDeps, loadWorkerEnv, startWorkers } from "@herald/worker";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let stack: FaultStack;
let api: RunningApi;
let redis: Redis;
let queues: Queues;
const apiKey = `hk_test_${randomBytes(20).toString("hex")}`;

beforeAll(async () => {
  stack = await startFaultStack("outages");
  api = await startApi(loadApiEnv({ ...stack.env, HERALD_API_KEY: apiKey, PORT: "0", HOST: "127.0.0.1" }));
  redis = createRedis(stack.redisUrl, "worker");
  redis.on("error", () => {});
  queues = createQueues(redis, "herald");
});
afterAll(async () => {
  await queues?.close();
  redis?.disconnect();
  await api?.close();
  await stack?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const order = (userId: string, extra: Record<string, unknown> = {}) => ({
  type: "order_placed",
  userId,
  channels: ["email"],
  data: catalog.order_placed.example,
  ...extra,
});

async function eventCount(): Promise<number> {
  const rows = await stack.db.db.execute<{ n: number }>(sql`select count(*)::int as n from events`);
  return rows[0]!.n;
}

async function queuedRouteJobs(): Promise<number> {
  const counts = await queues.get("events").getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function sentEmail(eventId: string, timeoutMs = 30_000) {
  return eventually(async () => {
    const n = (await listEventNotifications(stack.db.db, eventId)).find((x) => x.channel === "email");
    return n?.status === "SENT" ? n : null;
  }, timeoutMs);
}

describe("Redis down", () => {
  it("the API answers 503 and records nothing; workers reconnect and queued jobs survive the restart", async () => {
    const worker = await stack.spawnWorker();
    await eventually(async () => (await worker.readyz()) === 200, 20_000);
    expect((await call("PUT", "/v1/users/r1", { email: "r1@example.com" })).status).toBe(200);
    // Sits in Redis as a delayed job across the restart (AOF).
    const scheduled = await call("POST", "/v1/events", order("r1", { sendAt: new Date(Date.now() + 8000) }));
    expect(scheduled.status).toBe(202);
    const rowsBefore = await eventCount();
    // A job in hand when Redis goes away loses its lock, and the worker rightly says so
    // (worker-crash covers that job's rescue). This test is about the outage alone, so
    // it waits until the scheduled event is routed and the start-up jobs are done.
    await eventually(async () => {
      const routed = (await listEventNotifications(stack.db.db, scheduled.body.eventId)).some(
        (n) => n.status === "SCHEDULED",
      );
      const active = await Promise.all(queues.all().map((q) => q.getActiveCount()));
      return routed && active.every((n) => n === 0);
    }, 20_000);

    await stack.redis.stop();
    for (let i = 0; i < 3; i++) {
      const res = await call("POST", "/v1/events", order("r1", { idempotencyKey: `down-${i}` }));
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("unavailable");
      expect(res.headers.get("retry-after")).toBe("5");
    }
    const batch = await call("POST", "/v1/events/batch", { events: [order("r1"), order("r1")] });
    expect(batch.status).toBe(503);
    expect(await eventCount()).toBe(rowsBefore); // no orphan rows
    await eventually(async () => (await worker.readyz()) === 503, 10_000);
    // Long enough for several reconnect attempts by each of the worker's ~15 connections.
    await new Promise((r) => setTimeout(r, 2000));

    await stack.redis.start();
    await eventually(async () => (await worker.readyz()) === 200, 30_000);
    // The outage is two lines in the worker's log, not one per connection and attempt.
    await eventually(() => worker.output().includes("Redis answers again"), 10_000);
    expect(worker.output().match(/Redis is unreachable/g)).toHaveLength(1);
    expect(worker.output()).not.toMatch(/"worker error"|"redis connection error"/);
    const after = await eventually(async () => {
      const res = await call("POST", "/v1/events", order("r1", { idempotencyKey: "down-0" }));
      return res.status === 202 ? res : null;
    }, 15_000);
    await sentEmail(after.body.eventId);
    await sentEmail(scheduled.body.eventId);
    expect(await eventCount()).toBe(rowsBefore + 1);
    await worker.stop();
  });

  it("a worker asked to stop while Redis is down and no job is in hand stops at once, not after the shutdown timeout", async () => {
    const worker = await stack.spawnWorker({ SHUTDOWN_TIMEOUT_MS: "20000" });
    await eventually(async () => (await worker.readyz()) === 200, 20_000);
    await stack.redis.stop();
    try {
      await eventually(async () => (await worker.readyz()) === 503, 10_000);
      const asked = Date.now();
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
      expect(Date.now() - asked).toBeLessThan(5000);
      expect(worker.output()).toContain(
        "Redis is unreachable and no job is in hand: stopping without waiting for it",
      );
      expect(worker.output()).not.toContain("shutdown timeout");
    } finally {
      await stack.redis.start();
    }
  });
});

describe("Postgres down", () => {
  it("the API answers 503 and enqueues nothing; workers back off without spending attempts and resume", async () => {
    const worker = await stack.spawnWorker();
    await eventually(async () => (await worker.readyz()) === 200, 20_000);
    // Accepted just before the outage; their route jobs arrive while it lasts.
    await upsertRecipient(stack.db.db, "p1", { email: "p1@example.com" });
    const accepted = await insertEvents(
      stack.db.db,
      Array.from({ length: 5 }, (_, i) => ({
        type: "order_placed",
        userId: "p1",
        data: { ...catalog.order_placed.example, orderId: `P-${i}` },
        priority: "normal",
        channels: ["email"],
      })),
    );
    const ids = accepted.map((a) => a.event.id);
    const jobsBefore = await queuedRouteJobs();

    await stack.pg.stop();
    const down = Date.now();
    const res = await call("POST", "/v1/events", order("p1"));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("unavailable");
    expect(await queuedRouteJobs()).toBe(jobsBefore); // nothing half-written to Redis

    for (const id of ids) await queues.add("events", "route", { eventId: id }, { jobId: id });
    await eventually(async () => (await worker.readyz()) === 503, 10_000);
    await eventually(() => worker.output().includes("PostgreSQL is unreachable: pausing"), 10_000);
    await new Promise((r) => setTimeout(r, Math.max(0, 5000 - (Date.now() - down))));
    for (const id of ids) {
      const job = await queues.get("events").getJob(id);
      expect(job?.attemptsMade).toBe(0); // backed off, not failed
    }

    await stack.pg.start();
    await eventually(async () => (await worker.readyz()) === 200, 30_000);
    for (const id of ids) {
      const n = await sentEmail(id);
      const timeline = await getTimeline(stack.db.db, n.id);
      expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "SENT"]);
    }
    expect(worker.output()).toContain("PostgreSQL answers again");
    expect((await call("POST", "/v1/events", order("p1"))).status).toBe(202);
    await worker.stop();
  });

  it("a blip right after the provider accepted delays the SENT write instead of causing a resend", async () => {
    const sends: string[] = [];
    const email: ChannelSender = {
      channel: "email",
      providers: ["blip"],
      async send(ctx) {
        sends.push(ctx.notification.id);
        // The provider has the message; now PostgreSQL goes away for a moment.
        await stack.pg.stop();
        setTimeout(() => void stack.pg.start(), 1500);
        return { provider: "blip", providerMessageId: `blip-${sends.length}` };
      },
    };
    const deps = createWorkerDeps(
      loadWorkerEnv({ ...stack.env, QUEUE_PREFIX: "blip", WORKER_CHANNELS: "events,email" }),
      { senders: { email } },
    );
    const running = startWorkers(deps);
    try {
      await upsertRecipient(stack.db.db, "b1", { email: "b1@example.com" });
      const [e] = await insertEvents(stack.db.db, [
        {
          type: "order_placed",
          userId: "b1",
          data: catalog.order_placed.example,
          priority: "normal",
          channels: ["email"],
        },
      ]);
      await deps.queues.add("events", "route", { eventId: e!.event.id }, { jobId: e!.event.id });
      const n = await sentEmail(e!.event.id);
      expect(sends).toEqual([n.id]);
      expect(n.providerMessageId).toBe("blip-1");
      expect(n.retryCount).toBe(0);
      const timeline = await getTimeline(stack.db.db, n.id);
      expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "SENT"]);
      await eventually(async () => (await deps.queues.get("email").getJobState(n.id)) === "completed");
    } finally {
      await running.close();
      await deps.close();
    }
  });
});
