import {
  claimStatusBatch,
  configureStatusWebhooks,
  insertEvents,
  insertNotifications,
  postponeStatusBatch,
  upsertRecipient,
} from "@herald/db";
import { freePort } from "@herald/devstack";
import { newId } from "@herald/ids";
import { QUEUE_NAMES, reliabilityCountersKey } from "@herald/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

async function notification(channel: "email" | "sms", status: string, createdAgoMin: number) {
  const r = await upsertRecipient(api.deps.db, "ov-user", { email: "ov@example.com", phone: "+14155550100" });
  const [e] = await insertEvents(api.deps.db, [
    { type: "order_placed", userId: "ov-user", data: {}, priority: "normal" },
  ]);
  const [n] = await insertNotifications(api.deps.db, [
    {
      id: newId("ntf"),
      eventId: e!.event.id,
      recipientId: r.id,
      userId: "ov-user",
      type: "order_placed",
      category: "transactional",
      channel,
      priority: "normal",
      status: status as never,
      content: { channel, text: "t" } as never,
    },
  ]);
  await api.db
    .sql`UPDATE notifications SET created_at = now() - make_interval(mins => ${createdAgoMin}) WHERE id = ${n!.id}`;
  // The test writes the timeline itself, in time order (ids follow time, as when it is written live).
  await api.db.sql`DELETE FROM notification_timeline WHERE notification_id = ${n!.id}`;
  return n!.id;
}

/** A timeline row written `agoMin` minutes ago (rows are inserted oldest first, as in production). */
async function entry(id: string, status: string, agoMin: number, detail: Record<string, unknown>) {
  await api.db.sql`INSERT INTO notification_timeline (notification_id, status, at, detail)
    VALUES (${id}, ${status}, now() - make_interval(mins => ${agoMin}), ${JSON.stringify(detail)}::jsonb)`;
}

describe("GET /v1/dashboard/overview", () => {
  it("counts the last hour's sends and failed attempts per provider from the timeline, scheduled sends included", async () => {
    const old = await notification("email", "SENT", 120);
    const scheduled = await notification("email", "SENT", 3 * 24 * 60); // created 3 days ago, sent 10 min ago
    const dead = await notification("sms", "DEAD", 30);
    await entry(old, "SENT", 110, { provider: "resend", attempt: 1 }); // outside the hour
    await entry(dead, "FAILED", 25, { provider: "twilio", error: "twilio 500", attempt: 1 });
    await entry(dead, "DEAD", 20, { provider: "twilio", error: "twilio 500 again", attempt: 2 });
    await entry(scheduled, "SENT", 10, { provider: "resend", attempt: 1 });

    const res = await api.call("GET", "/v1/dashboard/overview");
    expect(res.status).toBe(200);
    const o = res.body;
    expect(o.activity).toHaveLength(12);
    expect(o.activity.reduce((s: number, b: any) => s + b.sent, 0)).toBe(1);
    expect(o.activity.reduce((s: number, b: any) => s + b.failed, 0)).toBe(2);
    expect(o.providers).toEqual([
      expect.objectContaining({ channel: "email", provider: "resend", sent: 1, failed: 0, errorRate: 0 }),
      expect.objectContaining({
        channel: "sms",
        provider: "twilio",
        sent: 0,
        failed: 2,
        errorRate: 1,
        lastError: "twilio 500 again",
      }),
    ]);
    expect(o.deadLetters).toBe(1);
    expect(o.queues.map((q: any) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(o.queuesUnavailable).toBe(false);

    const dl = await api.call("GET", "/v1/dead-letters");
    expect(dl.body.data).toEqual([expect.objectContaining({ id: dead, failedProvider: "twilio" })]);
  });

  it("is empty, not an error, on an empty timeline", async () => {
    const fresh = await createTestApi();
    try {
      const res = await fresh.call("GET", "/v1/dashboard/overview");
      expect(res.status).toBe(200);
      expect(res.body.providers).toEqual([]);
      expect(res.body.activity.every((b: any) => b.sent === 0 && b.failed === 0)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it("status webhooks off: says so, with nothing waiting and nothing retried", async () => {
    const res = await api.call("GET", "/v1/dashboard/overview");
    expect(res.body.statusWebhooks).toEqual({
      enabled: false,
      statuses: [],
      waiting: 0,
      waitingEstimated: false,
      oldestAt: null,
      oldestAgeSeconds: 0,
      totals: { delivered: 0, failed: 0, expired: 0, rejected: 0 },
      retrying: null,
      endpoints: [],
    });
  });

  it("status webhooks on with a failing receiver: the changes waiting, the workers' totals and the batch retried", async () => {
    const fresh = await createTestApi();
    try {
      const { db } = fresh.deps;
      await configureStatusWebhooks(db, ["SENT", "DEAD"]);
      await fresh.db.sql`insert into status_webhook_changes (notification_id, status, at)
        select 'ntf_ov_' || g, 'SENT', now() - interval '600 seconds' + make_interval(secs => g) from generate_series(1, 7) g`;
      // As a dispatcher whose POST of the first 5 was refused twice.
      const batch = (await claimStatusBatch(db, { size: 5, leaseMs: 60_000 }))!;
      await postponeStatusBatch(db, batch, 1000, "unreachable: ECONNREFUSED");
      await postponeStatusBatch(db, batch, 120_000, "answered 503");
      await fresh.deps.redis.hset(reliabilityCountersKey(fresh.deps.queues.prefix), {
        status_webhooks_delivered: 40,
        status_webhooks_failed: 2,
        status_webhooks_expired: 1,
        status_webhooks_rejected: 3,
      });

      const s = (await fresh.call("GET", "/v1/dashboard/overview")).body.statusWebhooks;
      expect(s).toMatchObject({
        enabled: true,
        statuses: ["SENT", "DEAD"],
        waiting: 7,
        waitingEstimated: false,
        totals: { delivered: 40, failed: 2, expired: 1, rejected: 3 },
        retrying: { batchId: batch.id, attempts: 2, rejections: 0, lastError: "answered 503" },
      });
      expect(s.oldestAgeSeconds).toBeGreaterThanOrEqual(599);
      expect(s.oldestAgeSeconds).toBeLessThan(610);
      expect(Date.parse(s.oldestAt)).toBeLessThan(Date.now() - 598_000);
      const next = Date.parse(s.retrying.nextAttemptAt) - Date.parse(s.retrying.lastAttemptAt);
      expect(next).toBe(120_000);
      expect(Date.parse(s.retrying.since)).toBeLessThanOrEqual(Date.parse(s.retrying.lastAttemptAt));
      // Per endpoint too: STATUS_WEBHOOK_URL's as whe_env (no URL on the Overview).
      expect(s.endpoints).toHaveLength(1);
      expect(s.endpoints[0]).toMatchObject({
        id: "whe_env",
        source: "env",
        delivery: { waiting: 7, failedAttempts: 2, lastError: "answered 503" },
      });
      expect(s.endpoints[0].url).toBeUndefined();

      // Refused for its body twice in a row: the card says it will be split, not held to MAX_AGE.
      await postponeStatusBatch(db, batch, 1000, "answered 422", true);
      await postponeStatusBatch(db, batch, 1000, "answered 422", true);
      const refused = (await fresh.call("GET", "/v1/dashboard/overview")).body.statusWebhooks;
      expect(refused.retrying).toMatchObject({ attempts: 4, rejections: 2, lastError: "answered 422" });
    } finally {
      await fresh.close();
    }
  });

  it("says the queue store is unreachable with Redis down, instead of empty queues", async () => {
    // Nothing listens on a free port: every Redis call is refused, as when Redis is down.
    const down = await createTestApi({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    try {
      const res = await down.call("GET", "/v1/dashboard/overview");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ queues: [], queuesUnavailable: true, deadLetters: 0 });
      // What PostgreSQL knows of the status webhooks too; the workers' totals are in Redis.
      expect(res.body.statusWebhooks).toMatchObject({ enabled: false, waiting: 0, totals: null });
      expect(res.body.activity).toHaveLength(12); // what PostgreSQL knows is still shown
    } finally {
      await down.close();
    }
  });
});
