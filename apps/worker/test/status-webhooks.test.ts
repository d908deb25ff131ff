import { getSetting, listEventNotifications, markDelivered, STATUS_WEBHOOKS_SETTING } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { readReliabilityCounters } from "@herald/jobs";
import { eventually, testQueuePrefix } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import type { ChannelSender } from "../src/providers/provider.ts";
import {
  batchCount,
  closedAfterEach,
  describeBatches,
  expectOncePerNotification,
  FAST,
  newSecret,
  outboxCount,
  seedChanges,
  startDispatcher,
  taken,
} from "./status-webhook-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const { cleanups, database, receiver } = closedAfterEach();

/** An e-mail provider that accepts everything but what is for users named `doomed…`. */
const picky: ChannelSender = {
  channel: "email",
  providers: ["picky"],
  async send(ctx) {
    if (ctx.notification.userId.startsWith("doomed"))
      throw new DeliveryError("transient", "provider said no", { provider: "picky", code: "503" });
    return { provider: "picky", providerMessageId: `msg-${ctx.notification.id}` };
  },
};

async function emailOf(w: TestWorker, eventId: string, status: string) {
  return eventually(async () => {
    const n = (await listEventNotifications(w.deps.db, eventId)).find((x) => x.channel === "email");
    return n?.status === status ? n : null;
  }, 20_000);
}

describe("status webhooks", () => {
  it("reports changes made on different paths (a send, a delivery receipt, a dead letter): signed, once, in order", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    const worker = await createTestWorker(
      { STATUS_WEBHOOK_URL: r.url, STATUS_WEBHOOK_SECRET: secret, ...FAST },
      { senders: { email: picky } },
    );
    cleanups.push(worker.close);
    // The maintenance process switches the recording on as it starts.
    await eventually(() => getSetting(worker.deps.db, STATUS_WEBHOOKS_SETTING));

    const sentEvent = await worker.trigger("order_placed", "alice", { channels: ["email"] });
    const deadEvent = await worker.trigger("order_placed", "doomed-bob", { channels: ["email"] });
    const sent = await emailOf(worker, sentEvent, "SENT");
    // What the API does with a provider's delivery receipt (Resend, Twilio).
    expect(await markDelivered(worker.deps.db, sent.id)).toBe(true);
    const dead = await emailOf(worker, deadEvent, "DEAD");

    await eventually(
      async () => taken(r.deliveries).length >= 4 && (await outboxCount(worker.db)) === 0,
      15_000,
    );
    expect(r.deliveries.every((d) => d.verified)).toBe(true);
    // FAILED once: later failed attempts leave it FAILED, which is no change.
    expectOncePerNotification(r.deliveries, {
      [sent.id]: ["SENT", "DELIVERED"],
      [dead.id]: ["FAILED", "DEAD"],
    });
    const changes = taken(r.deliveries);
    expect(changes.find((c) => c.status === "DELIVERED")).toMatchObject({
      notificationId: sent.id,
      eventId: sentEvent,
      userId: "alice",
      type: "order_placed",
      channel: "email",
      previousStatus: "SENT",
      reason: null,
    });
    expect(changes.find((c) => c.status === "DEAD")).toMatchObject({
      eventId: deadEvent,
      userId: "doomed-bob",
      previousStatus: "FAILED",
      reason: "retries_exhausted",
    });
    // No personal data: no address (the test recipients have one), no provider error.
    for (const d of r.deliveries) {
      expect(d.raw).not.toContain("@example.com");
      expect(d.raw).not.toContain("provider said no");
      expect(d.headers["webhook-id"]).toMatch(/^swb_/);
    }
  });

  it("off (STATUS_WEBHOOK_URL unset): PostgreSQL records nothing", async () => {
    const worker = await createTestWorker({}, { senders: { email: picky } });
    cleanups.push(worker.close);
    const eventId = await worker.trigger("order_placed", "carol", { channels: ["email"] });
    const n = await emailOf(worker, eventId, "SENT");
    await markDelivered(worker.deps.db, n.id);
    expect(await getSetting(worker.deps.db, STATUS_WEBHOOKS_SETTING)).toBeNull();
    expect(await outboxCount(worker.db)).toBe(0);
  });

  it("keeps the changes while the receiver refuses connections or answers 500, then delivers them under the same webhook-id", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    await r.down();
    const db = await database();
    const prefix = testQueuePrefix();
    const ids = await seedChanges(db, "down", 2, ["SENT", "DELIVERED"]);
    const d = startDispatcher(db.url, prefix, {
      STATUS_WEBHOOK_URL: r.url,
      STATUS_WEBHOOK_SECRET: secret,
      STATUS_WEBHOOK_BATCH_SIZE: "4",
      STATUS_WEBHOOK_CONCURRENCY: "3",
    });
    cleanups.push(d.close);
    const failed = async () =>
      (await readReliabilityCounters(d.deps.redis, prefix)).status_webhooks_failed ?? 0;
    await eventually(async () => (await failed()) >= 1, 15_000);
    // Changes made during the outage, while two of the three loops are idle.
    ids.push(...(await seedChanges(db, "during", 4, ["SENT", "DELIVERED"])));
    await eventually(async () => (await failed()) >= 3, 15_000);
    expect(await outboxCount(db)).toBe(12);
    // One batch is retried; the rest waits unclaimed instead of being cut into batches that each fail
    // (the loops claiming at once cut one batch: the endpoint's batches are cut one at a time).
    expect(await batchCount(db), await describeBatches(db)).toBe(1);

    r.failNext(1);
    await r.up();
    await eventually(async () => (await outboxCount(db)) === 0, 15_000);
    // The refused batch first, again under its id; then the rest, in new batches.
    expect(r.deliveries.map((x) => x.status)).toEqual([500, 204, 204, 204]);
    expect(r.deliveries[0]!.headers["webhook-id"]).toBe(r.deliveries[1]!.headers["webhook-id"]);
    expect(r.deliveries[0]!.raw).toBe(r.deliveries[1]!.raw);
    expectOncePerNotification(r.deliveries, Object.fromEntries(ids.map((id) => [id, ["SENT", "DELIVERED"]])));
    const counters = await readReliabilityCounters(d.deps.redis, prefix);
    expect(counters.status_webhooks_delivered).toBe(12);
  });

  it("two dispatchers: no change twice, and no notification's change before its earlier one was answered", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    r.jitter(() => 20 + Math.random() * 60);
    const db = await database();
    const prefix = testQueuePrefix();
    const ids = await seedChanges(db, "two", 40, ["SENT", "DELIVERED", "READ"]);
    const env = {
      STATUS_WEBHOOK_URL: r.url,
      STATUS_WEBHOOK_SECRET: secret,
      STATUS_WEBHOOK_BATCH_SIZE: "4",
      STATUS_WEBHOOK_CONCURRENCY: "8",
    };
    const first = startDispatcher(db.url, prefix, env);
    cleanups.push(first.close);
    const second = startDispatcher(db.url, prefix, env);
    cleanups.push(second.close);

    await eventually(async () => (await outboxCount(db)) === 0, 20_000);
    expectOncePerNotification(
      r.deliveries,
      Object.fromEntries(ids.map((id) => [id, ["SENT", "DELIVERED", "READ"]])),
    );
    expect(r.deliveries.every((x) => x.status === 204)).toBe(true);
    // Each change arrived after the delivery of its notification's previous change was answered.
    const arrivals = r.deliveries.flatMap((x) =>
      taken([x]).map((c) => ({ id: c.notificationId, at: x.receivedAt, answered: x.answeredAt! })),
    );
    for (const id of ids) {
      const mine = arrivals.filter((a) => a.id === id);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.at).toBeGreaterThanOrEqual(mine[i - 1]!.answered);
    }
  });

  it("drops changes older than STATUS_WEBHOOK_MAX_AGE with an error and a counter", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    await r.down();
    const db = await database();
    const prefix = testQueuePrefix();
    await seedChanges(db, "old", 3, ["SENT"]);
    let offset = 0;
    const d = startDispatcher(
      db.url,
      prefix,
      { STATUS_WEBHOOK_URL: r.url, STATUS_WEBHOOK_SECRET: secret, STATUS_WEBHOOK_MAX_AGE: "1h" },
      { now: () => new Date(Date.now() + offset) },
    );
    cleanups.push(d.close);
    await eventually(
      async () => (await readReliabilityCounters(d.deps.redis, prefix)).status_webhooks_failed! >= 1,
      15_000,
    );
    expect((await d.running.statusWebhooks!.expire()).count).toBe(0);
    expect(await outboxCount(db)).toBe(3);

    offset = 2 * 3_600_000;
    // The batch may be in flight (leased) right now: the next sweep gets it.
    await eventually(async () => {
      await d.running.statusWebhooks!.expire();
      return (await outboxCount(db)) === 0;
    }, 15_000);
    const counters = await readReliabilityCounters(d.deps.redis, prefix);
    expect(counters.status_webhooks_expired).toBe(3);
    expect(await batchCount(db)).toBe(0);
  });
});
