import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ENV_WEBHOOK_ENDPOINT_ID } from "./schema/index.ts";
import { postponeStatusBatch } from "./status-batch-settle.ts";
import {
  dropOrphanedStatusBatches,
  orphanedStatusEndpoints,
  sweepOrphanedStatusChanges,
} from "./status-webhook-orphans.ts";
import { claimStatusBatch } from "./status-webhooks.ts";
import {
  createWebhookEndpoint,
  DELETE_ENDPOINT_CHANGES_MAX,
  deleteWebhookEndpoint,
} from "./webhook-endpoints.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(() => t?.drop());
beforeEach(async () => {
  await t.sql`truncate status_webhook_changes, status_webhook_batches, webhook_endpoints`;
});

const endpoint = async () =>
  (await createWebhookEndpoint(t.db, { url: "https://r.example/h", statuses: ["SENT"], secret: "whsec_x" }))
    .id;

/** `count` changes for `endpointId` in one statement (as the triggers write them, one per notification). */
async function record(endpointId: string, count: number, tag = endpointId) {
  await t.sql`
    insert into status_webhook_changes (endpoint_id, notification_id, status, previous_status)
    select ${endpointId}, 'ntf_' || ${tag} || '_' || g, 'SENT', 'QUEUED' from generate_series(1, ${count}) g`;
}

async function waiting(endpointId: string): Promise<number> {
  const [row] = await t.sql<{ n: number }[]>`
    select count(*)::int as n from status_webhook_changes where endpoint_id = ${endpointId}`;
  return row!.n;
}

async function batches(endpointId: string): Promise<number> {
  const [row] = await t.sql<{ n: number }[]>`
    select count(*)::int as n from status_webhook_batches where endpoint_id = ${endpointId}`;
  return row!.n;
}

/** A clock that moves 1 ms per reading: a budget of `n` ms lets `n - 1` chunks start (the deadline is a reading). */
const ticking = () => {
  let at = 0;
  return () => at++;
};

describe("deleting an endpoint with a large backlog", () => {
  it("drops at most the bound in the request; the sweep drops the rest in chunks, within its budget, and its batches; others' changes stay", async () => {
    const [doomed, kept] = [await endpoint(), await endpoint()];
    await record(doomed, 12_000);
    await record(kept, 300);
    await record(ENV_WEBHOOK_ENDPOINT_ID, 200);
    // A refused batch waiting for its retry.
    const refused = (await claimStatusBatch(t.db, { endpointId: doomed, size: 50, leaseMs: 60_000 }))!;
    await postponeStatusBatch(t.db, refused, 60_000, "answered 503");

    const done = await deleteWebhookEndpoint(t.db, doomed);
    expect(done).toMatchObject({ droppedChanges: DELETE_ENDPOINT_CHANGES_MAX, pendingDrop: true });
    expect(await waiting(doomed)).toBe(12_000 - DELETE_ENDPOINT_CHANGES_MAX);
    expect(await batches(doomed)).toBe(0);
    // What is left goes to no one, even from a dispatcher still listing the endpoint.
    expect(await claimStatusBatch(t.db, { endpointId: doomed, size: 50, leaseMs: 60_000 })).toBeNull();
    expect(await orphanedStatusEndpoints(t.db)).toEqual([doomed]);

    // 2 chunks of 2,000 fit the budget: 4,000 now, the rest on the next sweep.
    const first = await sweepOrphanedStatusChanges(t.db, { chunk: 2000, budgetMs: 3, now: ticking() });
    expect(first).toMatchObject({ count: 4000, byEndpoint: { [doomed]: 4000 }, more: true });
    const second = await sweepOrphanedStatusChanges(t.db, { chunk: 2000 });
    expect(second).toMatchObject({ count: 3000, byEndpoint: { [doomed]: 3000 }, more: false });
    expect(await waiting(doomed)).toBe(0);
    expect(await waiting(kept)).toBe(300);
    expect(await waiting(ENV_WEBHOOK_ENDPOINT_ID)).toBe(200);

    // Recorded after the delete, by a notifications statement that read the settings before it.
    await record(doomed, 1, "late");
    expect(await sweepOrphanedStatusChanges(t.db)).toMatchObject({ count: 1, byEndpoint: { [doomed]: 1 } });
    expect(await orphanedStatusEndpoints(t.db)).toEqual([]);
    expect(await sweepOrphanedStatusChanges(t.db)).toEqual({
      byEndpoint: {},
      count: 0,
      batches: 0,
      more: false,
    });
    expect(await waiting(kept)).toBe(300);
  });

  it("a small backlog goes whole in the request, leaving nothing for the sweep", async () => {
    const doomed = await endpoint();
    await record(doomed, 40);
    expect(await deleteWebhookEndpoint(t.db, doomed)).toMatchObject({
      droppedChanges: 40,
      pendingDrop: false,
    });
    expect(await orphanedStatusEndpoints(t.db)).toEqual([]);
  });

  it("leaves a batch a dispatcher holds a live lease on until the lease ends", async () => {
    const doomed = await endpoint();
    await record(doomed, 30);
    expect(await deleteWebhookEndpoint(t.db, doomed, 0)).toMatchObject({
      droppedChanges: 0,
      pendingDrop: true,
    });
    // A claim that raced the delete: a batch of 10 leased for a minute.
    await t.sql`insert into status_webhook_batches (id, endpoint_id, leased_until)
      values ('swb_racing', ${doomed}, now() + interval '1 minute')`;
    await t.sql`update status_webhook_changes set batch_id = 'swb_racing'
      where id in (select id from status_webhook_changes order by id limit 10)`;

    expect(await sweepOrphanedStatusChanges(t.db)).toMatchObject({ count: 20, batches: 0 });
    expect(await waiting(doomed)).toBe(10);
    expect(await batches(doomed)).toBe(1);

    await t.sql`update status_webhook_batches set leased_until = now() - interval '1 second'`;
    expect(await sweepOrphanedStatusChanges(t.db)).toMatchObject({ count: 10 });
    expect(await waiting(doomed)).toBe(0);
    expect(await batches(doomed)).toBe(0);
  });

  it("drops empty batches of deleted endpoints once unleased, never a live endpoint's or whe_env's", async () => {
    const [doomed, kept] = [await endpoint(), await endpoint()];
    await deleteWebhookEndpoint(t.db, doomed);
    await t.sql`insert into status_webhook_batches (id, endpoint_id, leased_until) values
      ('swb_gone', ${doomed}, null), ('swb_leased', ${doomed}, now() + interval '1 minute'),
      ('swb_kept', ${kept}, null), ('swb_env', ${ENV_WEBHOOK_ENDPOINT_ID}, null)`;
    expect(await dropOrphanedStatusBatches(t.db)).toBe(1);
    const left = await t.sql<{ id: string }[]>`select id from status_webhook_batches order by id`;
    expect(left.map((r) => r.id)).toEqual(["swb_env", "swb_kept", "swb_leased"]);
  });

  it("two sweeps at once drop every change once between them", async () => {
    const [a, b] = [await endpoint(), await endpoint()];
    await record(a, 9000);
    await record(b, 9000);
    const kept = await endpoint();
    await record(kept, 100);
    await deleteWebhookEndpoint(t.db, a, 0);
    await deleteWebhookEndpoint(t.db, b, 0);
    const both = await Promise.all([
      sweepOrphanedStatusChanges(t.db, { chunk: 1000 }),
      sweepOrphanedStatusChanges(t.db, { chunk: 1000 }),
    ]);
    expect(both[0].count + both[1].count).toBe(18_000);
    expect(await waiting(a)).toBe(0);
    expect(await waiting(b)).toBe(0);
    expect(await waiting(kept)).toBe(100);
  });

  it("never waits on rows another sweep holds: it drops the others and leaves those to it", async () => {
    const doomed = await endpoint();
    await record(doomed, 3000);
    await deleteWebhookEndpoint(t.db, doomed, 0);
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const holding = new Promise<void>((r) => {
      locked = r;
    });
    // Another sweep mid-chunk: its 1,000 rows locked until it commits.
    const other = t.sql.begin(async (tx) => {
      await tx`select id from status_webhook_changes order by id limit 1000 for update`;
      locked();
      await released;
    });
    await holding;
    try {
      const timedOut = new Promise<"blocked">((r) => setTimeout(() => r("blocked"), 3000).unref());
      const swept = await Promise.race([sweepOrphanedStatusChanges(t.db, { chunk: 500 }), timedOut]);
      expect(swept).toMatchObject({ count: 2000 });
    } finally {
      release();
      await other;
    }
    expect(await waiting(doomed)).toBe(1000);
  });
});
