import { join } from "node:path";
import { type AppProcess, freePort, spawnApp } from "@herald/devstack";
import { createQueues, createRedis, type Queues } from "@herald/jobs";
import { eventually, WORKER_MAIN } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/**
 * Horizontal scale: one API and two real worker processes (the production
 * entry point) on one Redis and one PostgreSQL. Every queue's work is shared
 * between them, and nothing is routed or sent twice.
 */
const EVENTS = 120;
/** Batches the events arrive in: each batch is one `route_group` job, so the routing work comes in 24 jobs. */
const BATCHES = 24;
let herald: Herald;
let workers: AppProcess[] = [];
let redis: ReturnType<typeof createRedis>;
let queues: Queues;

async function startWorker(n: number): Promise<AppProcess> {
  const port = await freePort();
  const app = spawnApp({
    entry: WORKER_MAIN,
    cwd: join(import.meta.dirname, "../.."),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATABASE_URL: herald.db.url,
      REDIS_URL: herald.redisUrl,
      QUEUE_PREFIX: herald.prefix,
      MIGRATE_ON_START: "false",
      PUBLIC_URL: herald.url,
      WORKER_HEALTH_PORT: String(port),
      WORKER_HEALTH_HOST: "127.0.0.1",
      // Small batches of work in flight, so one process cannot take everything in one fetch.
      EVENTS_CONCURRENCY: "4",
      EMAIL_CONCURRENCY: "4",
      SMS_CONCURRENCY: "4",
      IN_APP_CONCURRENCY: "4",
    },
    logFile: join(import.meta.dirname, "../../.herald/test", `scale-${herald.prefix}-worker-${n}.log`),
  });
  await eventually(async () => {
    if (!app.running) throw new Error(`worker ${n} exited:\n${app.output()}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return res.ok;
  }, 60_000);
  return app;
}

beforeAll(async () => {
  herald = await startHerald({ workers: false });
  redis = createRedis(herald.redisUrl, "producer");
  queues = createQueues(redis, herald.prefix);
  workers = await Promise.all([startWorker(1), startWorker(2)]);
}, 90_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await queues?.close();
  redis?.disconnect();
  await herald?.close();
});

describe("two worker processes", () => {
  it("share routing and sending, and route and send every notification exactly once", async () => {
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      type: "order_placed",
      userId: `scale-${i % 40}`,
      user: { email: `scale-${i % 40}@example.com`, phone: "+14155550100" },
      data: {
        orderId: `S-${i}`,
        total: 10,
        currency: "EUR",
        items: [{ name: "Pen", quantity: 1, price: 10 }],
      },
    }));
    const size = EVENTS / BATCHES;
    for (let b = 0; b < BATCHES; b++) {
      const res = await herald.call("POST", "/v1/events/batch", {
        events: events.slice(b * size, (b + 1) * size),
      });
      expect(res.status).toBe(202);
    }
    // email, sms and in-app (no push device): three notifications per event.
    const expected = EVENTS * 3;
    await eventually(
      async () => {
        const [row] = await herald.db.sql<{ sent: string }[]>`
          select count(*) as sent from notifications where status = 'SENT'`;
        return Number(row!.sent) === expected;
      },
      90_000,
      200,
    );

    const [counts] = await herald.db.sql<
      {
        notifications: string;
        routed: string;
        sent_entries: string;
        outbox: string;
        outbox_distinct: string;
      }[]
    >`select (select count(*) from notifications) as notifications,
             (select count(*) from events where status = 'routed') as routed,
             (select count(*) from notification_timeline where status = 'SENT') as sent_entries,
             (select count(*) from outbox_messages) as outbox,
             (select count(distinct notification_id) from outbox_messages) as outbox_distinct`;
    expect(Number(counts!.notifications)).toBe(expected);
    expect(Number(counts!.routed)).toBe(EVENTS);
    // One SENT per notification, and the dev provider got each e-mail and SMS once.
    expect(Number(counts!.sent_entries)).toBe(expected);
    expect(Number(counts!.outbox)).toBe(EVENTS * 2);
    expect(Number(counts!.outbox_distinct)).toBe(EVENTS * 2);

    // Which process did what: BullMQ records it on each completed job.
    const names = workers.map((w) => `:${w.pid}`);
    for (const queue of ["events", "email", "sms", "in_app"] as const) {
      const jobs = await queues.get(queue).getJobs(["completed"], 0, -1);
      // Routing: one job per batch (a route group); sending: send_batch jobs, one per group and
      // channel or fewer (groups a process routes at the same moment share one), which together
      // list every notification of the channel once.
      if (queue === "events") expect(jobs.length, queue).toBe(BATCHES);
      else expect(jobs.length, queue).toBeLessThanOrEqual(BATCHES);
      expect(new Set(jobs.map((j) => j.name))).toEqual(
        new Set([queue === "events" ? "route_group" : "send_batch"]),
      );
      if (queue !== "events") {
        const listed = jobs.flatMap((j) => j.data.notificationIds as string[]);
        expect(new Set(listed).size, queue).toBe(EVENTS);
        expect(listed.length, queue).toBe(EVENTS);
      }
      const byWorker = names.map((suffix) => jobs.filter((j) => j.processedBy?.endsWith(suffix)).length);
      expect(byWorker[0]! + byWorker[1]!, queue).toBe(jobs.length);
      // Both processes took a real share (a fair split is ~50%; 10% leaves room for scheduling noise).
      for (const share of byWorker)
        expect(share, `${queue}: ${byWorker.join(" / ")}`).toBeGreaterThan(jobs.length * 0.1);
    }
  }, 120_000);
});
