import { createWebhookEndpoint, getWebhookEndpoint } from "@herald/db";
import { readReliabilityCounters, StatusWebhookSchema } from "@herald/jobs";
import { eventually, testQueuePrefix } from "@herald/testkit";
import { describe, expect, it } from "vitest";
import {
  batchCount,
  capturedLogger,
  closedAfterEach,
  expectOncePerNotification,
  newSecret,
  outboxCount,
  seedChanges,
  startDispatcher,
  taken,
} from "./status-webhook-kit.ts";
import type { Delivery } from "./verifying-receiver.ts";

const { cleanups, database, receiver } = closedAfterEach();

const changesOf = (d: Delivery) => StatusWebhookSchema.parse(JSON.parse(d.raw)).data;

/** A receiver whose validation answers 422 to any batch holding `poisoned`'s `status` change. */
function refusing(notificationId: string, status: string) {
  return (raw: string) =>
    changesOf({ raw } as Delivery).some((c) => c.notificationId === notificationId && c.status === status)
      ? 422
      : null;
}

/**
 * What the receiver saw keeps the contract while batches are split: one
 * `webhook-id` is always the same body; a notification's changes never sit in
 * two POSTs at once, and no POST holds a change of it older than one an
 * earlier POST already held (a newer half never goes before its older half).
 */
function expectOrderedPosts(deliveries: Delivery[]) {
  const bodies = new Map<string, string>();
  for (const d of deliveries) {
    const id = d.headers["webhook-id"]!;
    expect(bodies.get(id) ?? d.raw).toBe(d.raw);
    bodies.set(id, d.raw);
  }
  const highest = new Map<string, number>();
  for (const d of [...deliveries].sort((a, b) => a.receivedAt - b.receivedAt)) {
    const first = new Map<string, number>();
    for (const c of changesOf(d)) if (!first.has(c.notificationId)) first.set(c.notificationId, c.sequence);
    for (const [n, seq] of first) {
      expect(seq).toBeGreaterThanOrEqual(highest.get(n) ?? 0);
      highest.set(n, seq);
    }
    for (const o of deliveries)
      if (o !== d && o.receivedAt < d.receivedAt && (o.answeredAt ?? Infinity) > d.receivedAt)
        for (const c of changesOf(o)) expect(first.has(c.notificationId)).toBe(false);
  }
}

describe("a status change the receiver keeps refusing (400, 413, 422)", () => {
  it("is isolated and dropped: every other change is delivered within seconds, in order, the dropped one counted and logged", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    const db = await database();
    const prefix = testQueuePrefix();
    const ids = await seedChanges(db, "poison", 12, ["SENT", "DELIVERED", "READ"]);
    const poisoned = ids[7]!;
    r.judge(refusing(poisoned, "DELIVERED"));
    const { lines, logger } = capturedLogger();
    const started = performance.now();
    const d = startDispatcher(
      db.url,
      prefix,
      // STATUS_WEBHOOK_SPLIT_AFTER: the default, 3.
      { STATUS_WEBHOOK_URL: r.url, STATUS_WEBHOOK_SECRET: secret },
      { logger },
    );
    cleanups.push(d.close);

    // 36 changes: split 36 → 18 → 9 → 5 → 3 → 2 → 1, three refusals each, 1 s apart (FAST's retry
    // max): ~15 s. Without the split the batch would be refused until STATUS_WEBHOOK_MAX_AGE.
    await eventually(async () => (await outboxCount(db)) === 0, 45_000);
    expect(performance.now() - started).toBeLessThan(45_000);
    expect(await batchCount(db)).toBe(0);
    const expected = Object.fromEntries(ids.map((id) => [id, ["SENT", "DELIVERED", "READ"]]));
    expected[poisoned] = ["SENT", "READ"];
    expectOncePerNotification(r.deliveries, expected);
    expectOrderedPosts(r.deliveries);
    // Only batches holding the poisoned change were refused, each at most three times under its id.
    const refused = r.deliveries.filter((x) => x.status === 422);
    for (const x of refused)
      expect(changesOf(x).some((c) => c.notificationId === poisoned && c.status === "DELIVERED")).toBe(true);
    expect(refused.length).toBeLessThanOrEqual(3 * 7);

    // Counted just after the last batch's delete, which the wait above may see first.
    const counters = await eventually(async () => {
      const c = await readReliabilityCounters(d.deps.redis, prefix);
      return c.status_webhooks_delivered === 35 ? c : null;
    });
    expect(counters.status_webhooks_rejected).toBe(1);
    const dropped = changesOf(refused[0]!).find(
      (c) => c.notificationId === poisoned && c.status === "DELIVERED",
    );
    const errors = lines.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      endpointId: "whe_env",
      notification: poisoned,
      sequence: dropped!.sequence,
      status: "DELIVERED",
      answered: 422,
      attempts: 3,
    });
    // The receiver's body and the change's data (user, event) are not logged.
    expect(JSON.stringify(errors)).not.toContain("user-");
  });

  it("splits a batch holding two changes of one notification with the older one first, and sends the newer half only after it", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    const db = await database();
    // [a SENT, b SENT, a DELIVERED | b DELIVERED, a READ, b READ]: both notifications in both halves.
    const [a, b] = await seedChanges(db, "halves", 2, ["SENT", "DELIVERED", "READ"]);
    r.judge(refusing(b!, "SENT"));
    r.jitter(() => 30);
    const d = startDispatcher(db.url, testQueuePrefix(), {
      STATUS_WEBHOOK_URL: r.url,
      STATUS_WEBHOOK_SECRET: secret,
      STATUS_WEBHOOK_SPLIT_AFTER: "2",
      STATUS_WEBHOOK_CONCURRENCY: "4",
    });
    cleanups.push(d.close);

    await eventually(async () => (await outboxCount(db)) === 0, 20_000);
    expectOncePerNotification(r.deliveries, {
      [a!]: ["SENT", "DELIVERED", "READ"],
      [b!]: ["DELIVERED", "READ"],
    });
    expectOrderedPosts(r.deliveries);
    // Taken in sequence order overall: each half after the one before it.
    const sequences = taken(r.deliveries).map((c) => c.sequence);
    expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
    const bodies = r.deliveries.map((x) =>
      changesOf(x).map((c) => `${c.notificationId.slice(-1)}${c.status[0]}`),
    );
    expect(bodies.slice(0, 2)).toEqual([
      ["0S", "1S", "0D", "1D", "0R", "1R"],
      ["0S", "1S", "0D", "1D", "0R", "1R"],
    ]);
    expect(bodies[2]).toEqual(["0S", "1S", "0D"]);
  });
});

describe("an endpoint added through the API that rejects a change", () => {
  it("counts the dropped change on the endpoint and keeps why after the next success", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    const db = await database();
    const endpoint = await createWebhookEndpoint(db.db, { url: r.url, statuses: ["SENT"], secret });
    const ids = await seedChanges(db, "api", 3, ["SENT"], { env: false });
    r.judge(refusing(ids[1]!, "SENT"));
    const d = startDispatcher(db.url, testQueuePrefix(), {
      WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true",
      STATUS_WEBHOOK_SPLIT_AFTER: "2",
    });
    cleanups.push(d.close);

    await eventually(async () => (await outboxCount(db)) === 0, 20_000);
    expectOncePerNotification(r.deliveries, { [ids[0]!]: ["SENT"], [ids[2]!]: ["SENT"] });
    const dropped = changesOf(r.deliveries.find((x) => x.status === 422)!).find(
      (c) => c.notificationId === ids[1],
    )!;
    // The last POST's success is recorded just after its batch is deleted, which the wait above may see first.
    const row = await eventually(
      async () => {
        const e = (await getWebhookEndpoint(db.db, endpoint.id))!;
        return e.lastError === null ? e : null;
      },
      {
        explain: async () => ({
          endpoint: await getWebhookEndpoint(db.db, endpoint.id),
          posts: r.deliveries.map((x) => [x.status, x.receivedAt, changesOf(x).map((c) => c.sequence)]),
          ids,
        }),
      },
    );
    expect(row).toMatchObject({
      rejectedChanges: 1,
      lastRejection: `dropped change ${dropped.sequence} (${ids[1]} SENT): answered 422 2 times`,
    });
    expect(row.lastRejectedAt).not.toBeNull();
    // The last POST (the third change) succeeded: the endpoint is healthy again, the rejection kept.
    expect(row).toMatchObject({ lastError: null, failingSince: null, failedAttempts: 0 });
    expect(row.lastSuccessAt!.getTime()).toBeGreaterThan(row.lastRejectedAt!.getTime());
  });
});

describe("a receiver failing for any other reason", () => {
  it("gets the same batch again under the same webhook-id, never split: 401, 503, 429, and 422s that are not in a row", async () => {
    const secret = newSecret();
    const r = await receiver(secret);
    const answers = [401, 401, 401, 503, 422, 503, 422, 429];
    r.judge(() => answers.shift() ?? null);
    const db = await database();
    const prefix = testQueuePrefix();
    const ids = await seedChanges(db, "whole", 3, ["SENT", "DELIVERED"]);
    const d = startDispatcher(db.url, prefix, {
      STATUS_WEBHOOK_URL: r.url,
      STATUS_WEBHOOK_SECRET: secret,
      STATUS_WEBHOOK_SPLIT_AFTER: "2",
    });
    cleanups.push(d.close);

    await eventually(async () => (await outboxCount(db)) === 0, 30_000);
    expect(r.deliveries.map((x) => x.status)).toEqual([401, 401, 401, 503, 422, 503, 422, 429, 204]);
    expect(new Set(r.deliveries.map((x) => x.headers["webhook-id"])).size).toBe(1);
    expect(new Set(r.deliveries.map((x) => x.raw)).size).toBe(1);
    expectOncePerNotification(r.deliveries, Object.fromEntries(ids.map((id) => [id, ["SENT", "DELIVERED"]])));
    const counters = await eventually(async () => {
      const c = await readReliabilityCounters(d.deps.redis, prefix);
      return c.status_webhooks_delivered === 6 ? c : null;
    });
    expect(counters.status_webhooks_rejected).toBeUndefined();
    expect(counters.status_webhooks_failed).toBe(8);
  });
});
