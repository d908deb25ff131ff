import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postponeStatusBatch } from "./status-batch-settle.ts";
import { STATUS_BACKLOG_EXACT_MAX, statusWebhookBacklog } from "./status-webhook-backlog.ts";
import { claimStatusBatch, configureStatusWebhooks } from "./status-webhooks.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(() => t?.drop());
beforeEach(async () => {
  await t.sql`truncate status_webhook_changes, status_webhook_batches`;
  await configureStatusWebhooks(t.db, null);
});

/** `count` changes recorded `agoMin` minutes ago, one a minute apart, oldest first (as the triggers write them). */
async function record(count: number, agoMin: number) {
  await t.sql`
    insert into status_webhook_changes (notification_id, status, previous_status, at)
    select 'ntf_bl_' || g, 'SENT', 'QUEUED', now() - make_interval(mins => ${agoMin} - g + 1)
    from generate_series(1, ${count}) g order by g`;
}

describe("statusWebhookBacklog", () => {
  it("off and empty: nothing waits, nothing is retried", async () => {
    const b = await statusWebhookBacklog(t.db);
    expect(b).toMatchObject({
      enabled: false,
      statuses: [],
      waiting: 0,
      waitingEstimated: false,
      oldestAt: null,
      retrying: null,
    });
  });

  it("on: the statuses recorded, the changes waiting and when the first of them was recorded", async () => {
    await configureStatusWebhooks(t.db, ["SENT", "DEAD"]);
    await record(3, 30);
    const b = await statusWebhookBacklog(t.db);
    expect(b).toMatchObject({
      enabled: true,
      statuses: ["SENT", "DEAD"],
      waiting: 3,
      waitingEstimated: false,
    });
    const ageMin = (b.at.getTime() - b.oldestAt!.getTime()) / 60_000;
    expect(ageMin).toBeGreaterThan(29.9);
    expect(ageMin).toBeLessThan(30.1);
    // Off again: what was recorded still waits, and says so.
    await configureStatusWebhooks(t.db, null);
    expect(await statusWebhookBacklog(t.db)).toMatchObject({ enabled: false, statuses: [], waiting: 3 });
  });

  it("the batch being retried: its attempts, next attempt and last error, cut to 300 characters", async () => {
    await record(5, 10);
    const batch = (await claimStatusBatch(t.db, { size: 2, leaseMs: 60_000 }))!;
    const first = await postponeStatusBatch(t.db, batch, 1000, "unreachable: ECONNREFUSED");
    expect(first).toMatchObject({ attempts: 1, previousAttemptAt: null });
    let b = await statusWebhookBacklog(t.db);
    expect(b.waiting).toBe(5);
    expect(b.retrying).toMatchObject({ id: batch.id, attempts: 1, lastError: "unreachable: ECONNREFUSED" });
    expect(b.retrying!.lastAttemptAt!.getTime()).toBe(first!.at.getTime());
    expect(b.retrying!.nextAttemptAt.getTime() - first!.at.getTime()).toBe(1000);
    expect(b.retrying!.since.getTime()).toBe(first!.since.getTime());

    const second = await postponeStatusBatch(t.db, batch, 2000, `answered 503 ${"x".repeat(500)}`);
    expect(second!.attempts).toBe(2);
    expect(second!.previousAttemptAt!.getTime()).toBe(first!.at.getTime());
    b = await statusWebhookBacklog(t.db);
    expect(b.retrying!.attempts).toBe(2);
    expect(b.retrying!.lastError).toHaveLength(300);
    expect(b.retrying!.lastError!.startsWith("answered 503 xxx")).toBe(true);
    // A batch gone (expired meanwhile) is no failure to record.
    expect(
      await postponeStatusBatch(t.db, { id: "swb_gone", leaseToken: null }, 1000, "answered 500"),
    ).toBeNull();
  });

  it("a batch in flight for the first time is not reported as retried", async () => {
    await record(2, 1);
    await claimStatusBatch(t.db, { size: 10, leaseMs: 60_000 });
    expect((await statusWebhookBacklog(t.db)).retrying).toBeNull();
  });

  it(`counts exactly up to ${STATUS_BACKLOG_EXACT_MAX} changes, then estimates from their ids`, async () => {
    await record(STATUS_BACKLOG_EXACT_MAX, 60 * 24);
    expect(await statusWebhookBacklog(t.db)).toMatchObject({
      waiting: STATUS_BACKLOG_EXACT_MAX,
      waitingEstimated: false,
    });
    await record(2000, 5);
    // Delivered out of order before the outage: a gap the estimate cannot see.
    await t.sql`delete from status_webhook_changes where id in (
      select id from status_webhook_changes order by id offset 100 limit 50)`;
    const b = await statusWebhookBacklog(t.db);
    expect(b.waitingEstimated).toBe(true);
    expect(b.waiting).toBe(STATUS_BACKLOG_EXACT_MAX + 2000);
    // The oldest is the first recorded, a day ago.
    expect((b.at.getTime() - b.oldestAt!.getTime()) / 3_600_000).toBeCloseTo(24, 1);
  });
});
