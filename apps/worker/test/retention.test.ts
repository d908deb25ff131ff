import {
  type Db,
  events,
  insertAuditEntry,
  insertNotifications,
  insertOutboxMessage,
  type NewNotification,
  purgeExpired,
  upsertRecipient,
  webhookReceipts,
} from "@herald/db";
import { newId } from "@herald/ids";
import { eventually, type TestDatabase, testDatabase, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerDeps } from "../src/deps.ts";
import { loadWorkerEnv } from "../src/env.ts";
import { RETENTION_SCHEDULER_ID } from "../src/maintenance/retention.ts";
import { startWorkers } from "../src/start-workers.ts";

const DAY = 86_400_000;
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await testDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

/** `count` notifications (with events, timelines and some outbox rows) created `daysAgo` days ago. */
async function seed(db: Db, daysAgo: number, count: number, status: "SENT" | "QUEUED" = "SENT") {
  const at = new Date(Date.now() - daysAgo * DAY);
  const recipient = await upsertRecipient(db, "ret-user", { email: "ret@example.com" });
  const eventIds = Array.from({ length: count }, () => newId("evt", at.getTime()));
  await db.insert(events).values(
    eventIds.map((id) => ({
      id,
      type: "order_placed",
      userId: "ret-user",
      data: {},
      priority: "normal",
      status: "routed" as const,
      createdAt: at,
    })),
  );
  const rows: NewNotification[] = eventIds.map((eventId) => ({
    id: newId("ntf", at.getTime()),
    eventId,
    recipientId: recipient.id,
    userId: "ret-user",
    type: "order_placed",
    category: "transactional",
    channel: "email",
    priority: "normal",
    status,
    content: { channel: "email", subject: "s", html: "h", text: "t" },
  }));
  const inserted = await insertNotifications(db, rows, at);
  for (const n of status === "SENT" ? inserted.slice(0, 3) : []) {
    await insertOutboxMessage(db, {
      notificationId: n.id,
      channel: "email",
      destination: "x",
      content: { channel: "email", subject: "s", html: "h", text: "t" },
    });
    await db.execute(
      `update outbox_messages set created_at = '${at.toISOString()}' where notification_id = '${n.id}'`,
    );
  }
  return inserted.map((n) => n.id);
}

const count = async (db: TestDatabase, table: string, where = "true") =>
  Number((await db.sql.unsafe(`select count(*)::int as n from ${table} where ${where}`))[0]!.n);

describe("retention", () => {
  it("purges what is older than the cutoff in batches, keeps the rest and the statistics", async () => {
    const db = tdb.db;
    const old = await seed(db, 40, 20);
    const [waiting] = await seed(db, 40, 1, "QUEUED");
    const recent = await seed(db, 1, 5);
    await db.insert(webhookReceipts).values([
      ...["a", "b", "c"].map((id) => ({
        provider: "resend",
        id,
        receivedAt: new Date(Date.now() - 40 * DAY),
      })),
      ...["d", "e"].map((id) => ({ provider: "resend", id })),
    ]);
    // Topic misses of an old event and of a recent one (stand-ins: the rows name an event and a recipient).
    await tdb.sql`insert into fanout_misses (recipient_id, event_id, suppressed)
      select recipient_id, event_id, '[]' from notifications where id in (${old[1]!}, ${recent[0]!})`;
    const statsBefore =
      await tdb.sql`select sum(total)::int as total, sum(sent)::int as sent from notification_stats_daily`;

    // A worker holds one old row: the purge skips it instead of waiting.
    const locked = old[0]!;
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let lockTaken!: () => void;
    const taken = new Promise<void>((r) => {
      lockTaken = r;
    });
    const holder = tdb.sql.begin(async (tx) => {
      await tx`select id from notifications where id = ${locked} for update`;
      lockTaken();
      await held;
    });
    await taken;
    const started = performance.now();
    const first = await purgeExpired(db, {
      cutoff: new Date(Date.now() - 30 * DAY),
      batchSize: 7,
      pauseMs: 0,
    });
    const tookMs = performance.now() - started;
    release();
    await holder;

    // The held row's outbox message goes by its own age.
    expect(first).toMatchObject({ notifications: 19, outbox: 1, webhookReceipts: 3, complete: true });
    expect(first.events).toBe(19);
    expect(first.batches).toBeGreaterThanOrEqual(3 + 1 + 1 + 1);
    expect(tookMs).toBeLessThan(10_000);

    const second = await purgeExpired(db, {
      cutoff: new Date(Date.now() - 30 * DAY),
      batchSize: 7,
      pauseMs: 0,
    });
    expect(second).toMatchObject({ notifications: 1, events: 1 });

    const ids = (list: string[]) => list.map((i) => `'${i}'`).join(",");
    expect(await count(tdb, "notifications", `id in (${ids(old)})`)).toBe(0);
    expect(await count(tdb, "notification_timeline", `notification_id in (${ids(old)})`)).toBe(0);
    expect(await count(tdb, "outbox_messages", `notification_id in (${ids(old)})`)).toBe(0);
    // Still to be sent, whatever its age: kept with its timeline and event.
    expect(await count(tdb, "notifications", `id = '${waiting}'`)).toBe(1);
    expect(await count(tdb, "notification_timeline", `notification_id = '${waiting}'`)).toBe(2);
    expect(await count(tdb, "notifications", `id in (${ids(recent)})`)).toBe(5);
    expect(await count(tdb, "outbox_messages", `notification_id in (${ids(recent)})`)).toBe(3);
    expect(await count(tdb, "events")).toBe(1 + 5);
    expect(await count(tdb, "webhook_receipts")).toBe(2);
    expect(await count(tdb, "fanout_misses")).toBe(1);
    expect(await count(tdb, "fanout_misses", `event_id in (select event_id from notifications)`)).toBe(1);
    expect(
      await tdb.sql`select sum(total)::int as total, sum(sent)::int as sent from notification_stats_daily`,
    ).toEqual(statsBefore);
  });

  it("runs from the worker: a job scheduler on the maintenance queue, job `purge`", async () => {
    const wdb = await testDatabase();
    const deps = createWorkerDeps(
      loadWorkerEnv({
        DATABASE_URL: wdb.url,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: testQueuePrefix(),
        NODE_ENV: "test",
        WORKER_CHANNELS: "maintenance",
        RETENTION_DAYS: "30",
        RETENTION_INTERVAL: "1h",
      }),
    );
    const running = startWorkers(deps);
    try {
      const queue = deps.queues.get("maintenance");
      const scheduler = await eventually(() => queue.getJobScheduler(RETENTION_SCHEDULER_ID));
      expect(scheduler).toMatchObject({ name: "purge", every: 3_600_000 });

      const old = await seed(wdb.db, 45, 4);
      const recent = await seed(wdb.db, 2, 2);
      // Stored answers of idempotent API key creates: past their expiry they go, whatever RETENTION_DAYS.
      await wdb.sql`insert into api_key_replays (caller_id, idempotency_key, request_hash, created_at, expires_at)
        values ('key_a', 'expired', 'h', now() - interval '25 hours', now() - interval '1 hour'),
               ('key_a', 'live', 'h', now() - interval '23 hours', now() + interval '1 hour')`;
      await deps.queues.add("maintenance", "purge", {}, { jobId: "purge-now" });
      await eventually(async () => (await queue.getJobState("purge-now")) === "completed", 15_000);
      const ids = (list: string[]) => list.map((i) => `'${i}'`).join(",");
      expect(await count(wdb, "notifications", `id in (${ids(old)})`)).toBe(0);
      expect(await count(wdb, "notifications", `id in (${ids(recent)})`)).toBe(2);
      expect(
        (await wdb.sql`select idempotency_key from api_key_replays`).map((r) => r.idempotency_key),
      ).toEqual(["live"]);
    } finally {
      await running.close();
      await deps.close();
      await wdb.drop();
    }
  });

  it("RETENTION_DAYS=0 with AUDIT_LOG_RETENTION=0 removes the scheduler", async () => {
    const wdb = await testDatabase();
    const prefix = testQueuePrefix();
    const env = (days: string) =>
      loadWorkerEnv({
        DATABASE_URL: wdb.url,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: prefix,
        NODE_ENV: "test",
        WORKER_CHANNELS: "maintenance",
        RETENTION_DAYS: days,
        AUDIT_LOG_RETENTION: "0",
      });
    for (const [days, expected] of [
      ["7", true],
      ["0", false],
    ] as const) {
      const deps = createWorkerDeps(env(days));
      const running = startWorkers(deps);
      try {
        const queue = deps.queues.get("maintenance");
        await eventually(
          async () => Boolean(await queue.getJobScheduler(RETENTION_SCHEDULER_ID)) === expected,
        );
      } finally {
        await running.close();
        await deps.close();
      }
    }
    await wdb.drop();
  });

  it("deletes audit log entries older than AUDIT_LOG_RETENTION, also with RETENTION_DAYS=0", async () => {
    const wdb = await testDatabase();
    const raw = {
      DATABASE_URL: wdb.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix(),
      NODE_ENV: "test",
      WORKER_CHANNELS: "maintenance",
      RETENTION_DAYS: "0",
      AUDIT_LOG_RETENTION: "30d",
    };
    const deps = createWorkerDeps(loadWorkerEnv(raw));
    const running = startWorkers(deps);
    try {
      const queue = deps.queues.get("maintenance");
      await eventually(() => queue.getJobScheduler(RETENTION_SCHEDULER_ID));
      const entry = (daysAgo: number, requestId: string) =>
        insertAuditEntry(wdb.db, {
          at: new Date(Date.now() - daysAgo * DAY),
          actor: { via: "api_key", id: "key_1", name: "ops" },
          action: "user.erase",
          target: null,
          outcome: "success",
          status: 204,
          requestId,
          clientIp: null,
          details: {},
        });
      await entry(45, "old");
      await entry(2, "recent");
      const old = await seed(wdb.db, 45, 1);
      await deps.queues.add("maintenance", "purge", {}, { jobId: "purge-audit" });
      await eventually(async () => (await queue.getJobState("purge-audit")) === "completed", 15_000);
      expect((await wdb.sql`select request_id from audit_log`).map((r) => r.request_id)).toEqual(["recent"]);
      // RETENTION_DAYS=0 still keeps every notification.
      expect(await count(wdb, "notifications", `id = '${old[0]}'`)).toBe(1);
    } finally {
      await running.close();
      await deps.close();
      await wdb.drop();
    }
    expect(() => loadWorkerEnv({ ...raw, AUDIT_LOG_RETENTION: "a year" })).toThrow(/AUDIT_LOG_RETENTION/);
  });
});
