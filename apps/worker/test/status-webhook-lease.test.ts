import { createWebhookEndpoint, ENV_WEBHOOK_ENDPOINT_ID, getWebhookEndpoint } from "@herald/db";
import { readReliabilityCounters } from "@herald/jobs";
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
} from "./status-webhook-kit.ts";

const { cleanups, database, receiver } = closedAfterEach();

/** A promise the test resolves: when a held answer goes out. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * Dispatcher A's POST of the one batch outlives its lease: the receiver
 * holds A's answer (delivery 0) while the test ends the lease in PostgreSQL,
 * as a stall past it would, and dispatcher B claims the batch and POSTs it
 * again (delivery 1, held too with `holdB`). Delivery `i` is answered
 * `answers[i]` (204 past its end). `count` notifications, one SENT change
 * each, for STATUS_WEBHOOK_URL or (`api`) an endpoint of the API.
 */
async function leaseOutlived(opts: {
  tag: string;
  count: number;
  api: boolean;
  answers: number[];
  holdB?: boolean;
}) {
  const secret = newSecret();
  const r = await receiver(secret);
  const db = await database();
  const prefix = testQueuePrefix();
  const endpointId = opts.api
    ? (await createWebhookEndpoint(db.db, { url: r.url, statuses: ["SENT"], secret })).id
    : ENV_WEBHOOK_ENDPOINT_ID;
  const ids = await seedChanges(db, opts.tag, opts.count, ["SENT"], { env: !opts.api });
  const [releaseA, releaseB] = [latch(), latch()];
  const env = {
    ...(opts.api
      ? { WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true" }
      : { STATUS_WEBHOOK_URL: r.url, STATUS_WEBHOOK_SECRET: secret }),
    // Refused once: split (or, one change, dropped) at once.
    STATUS_WEBHOOK_SPLIT_AFTER: "1",
    // Well past the hold: A's POST is answered, it does not time out.
    STATUS_WEBHOOK_TIMEOUT: "10s",
    STATUS_WEBHOOK_CONCURRENCY: "1",
  };
  r.gate((i) => (i === 0 ? releaseA.opened : i === 1 && opts.holdB ? releaseB.opened : null));
  let answered = 0;
  r.judge(() => opts.answers[answered++] ?? null);
  // Answers released first whatever the test's outcome: closing never waits for a held POST.
  const releasing = (close: () => Promise<void>) => () => {
    releaseA.open();
    releaseB.open();
    return close();
  };

  const { lines, logger } = capturedLogger();
  const a = startDispatcher(db.url, prefix, env, { logger });
  let aClosed: Promise<void> | undefined;
  const closeA = () => (aClosed ??= a.close());
  cleanups.push(releasing(closeA));
  await eventually(() => r.deliveries.length === 1);
  await db.sql`update status_webhook_batches set leased_until = now() - interval '1 second'`;
  const b = startDispatcher(db.url, prefix, env);
  cleanups.push(releasing(b.close));
  await eventually(() => r.deliveries.length === 2);
  const [first, second] = r.deliveries;
  // The same batch: same webhook-id, same body (the receiver dedupes on the id).
  expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
  expect(second!.raw).toBe(first!.raw);

  const counters = () => readReliabilityCounters(b.deps.redis, prefix);
  /**
   * Lets A's answer out and waits until A settled it (closing A waits for
   * its POST in flight and what follows); then expects A's one warn line,
   * ids and `outcome` only.
   */
  const lateAnswer = async (outcome: string) => {
    releaseA.open();
    await closeA();
    return () => {
      const stale = lines.filter(
        (l) => l.level === "warn" && l.msg.includes("is no longer this dispatcher's"),
      );
      expect(stale).toHaveLength(1);
      expect(stale[0]).toMatchObject({ endpointId, batch: first!.headers["webhook-id"], outcome });
      expect(JSON.stringify(stale)).not.toContain("user-");
    };
  };
  const endpoint = async () => (await getWebhookEndpoint(db.db, endpointId))!;
  return { r, db, ids, releaseB, counters, lateAnswer, endpoint };
}

describe("a dispatcher whose POST outlives its lease", () => {
  it("deletes and counts nothing on its late 2xx: the new holder delivered each change, counted once", async () => {
    const t = await leaseOutlived({ tag: "late2xx", count: 3, api: false, answers: [] });
    await eventually(async () => (await outboxCount(t.db)) === 0);
    await eventually(async () => (await t.counters()).status_webhooks_delivered === 3);

    const expectWarned = await t.lateAnswer("answered 2xx");
    expect(t.r.deliveries.map((d) => d.status)).toEqual([204, 204]);
    expectOncePerNotification([t.r.deliveries[1]!], Object.fromEntries(t.ids.map((id) => [id, ["SENT"]])));
    expect(await t.counters()).toMatchObject({ status_webhooks_delivered: 3 });
    expect(await batchCount(t.db)).toBe(0);
    expectWarned();
  });

  it("deletes nothing on its late 2xx while the new holder POSTs the batch: that one settles and counts it", async () => {
    const t = await leaseOutlived({ tag: "late2xxb", count: 3, api: false, answers: [], holdB: true });

    const expectWarned = await t.lateAnswer("answered 2xx");
    expect(await batchCount(t.db)).toBe(1);
    expect(await outboxCount(t.db)).toBe(3);
    expect(await t.counters()).not.toHaveProperty("status_webhooks_delivered");
    expectWarned();

    t.releaseB.open();
    await eventually(async () => (await outboxCount(t.db)) === 0);
    await eventually(async () => (await t.counters()).status_webhooks_delivered === 3);
    expect(await batchCount(t.db)).toBe(0);
  });

  it("splits nothing on its late 422 while the new holder POSTs the batch: every change delivered once, no failure recorded", async () => {
    const t = await leaseOutlived({ tag: "late422", count: 3, api: true, answers: [422], holdB: true });

    // A's refusal lands while B's POST of the same batch is in flight: the batch stays whole, B's.
    const expectWarned = await t.lateAnswer("answered 422");
    expect(await batchCount(t.db)).toBe(1);
    expect(await outboxCount(t.db)).toBe(3);
    expect(await t.endpoint()).toMatchObject({ failedAttempts: 0, lastError: null, failingSince: null });
    expectWarned();

    t.releaseB.open();
    await eventually(async () => (await outboxCount(t.db)) === 0);
    await eventually(async () => (await t.endpoint()).lastSuccessAt !== null);
    await eventually(async () => (await t.counters()).status_webhooks_delivered === 3);
    // Without the lease check A would have split B's batch: its halves POSTed again, under new ids.
    expect(t.r.deliveries.map((d) => d.status)).toEqual([422, 204]);
    expectOncePerNotification(t.r.deliveries, Object.fromEntries(t.ids.map((id) => [id, ["SENT"]])));
    expect(await t.counters()).not.toHaveProperty("status_webhooks_failed");
    expect(await t.endpoint()).toMatchObject({ failedAttempts: 0, lastError: null, rejectedChanges: 0 });
  });

  it("drops and counts nothing on its late 422 for a change the new holder delivered", async () => {
    const t = await leaseOutlived({ tag: "latedrop", count: 1, api: true, answers: [422] });
    await eventually(async () => (await outboxCount(t.db)) === 0);
    await eventually(async () => (await t.endpoint()).lastSuccessAt !== null);
    await eventually(async () => (await t.counters()).status_webhooks_delivered === 1);

    const expectWarned = await t.lateAnswer("answered 422");
    expect(await t.counters()).not.toHaveProperty("status_webhooks_rejected");
    expect(await t.counters()).not.toHaveProperty("status_webhooks_failed");
    expect(await t.endpoint()).toMatchObject({
      rejectedChanges: 0,
      lastRejection: null,
      failedAttempts: 0,
      lastError: null,
      failingSince: null,
    });
    expectWarned();
  });
});
