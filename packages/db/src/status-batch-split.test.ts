import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimBatch, recordChanges } from "./status-batch-fixtures.ts";
import { deleteStatusBatch, postponeStatusBatch } from "./status-batch-settle.ts";
import { splitStatusBatch } from "./status-batch-split.ts";
import type { StatusBatch } from "./status-webhooks.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(() => t?.drop());
beforeEach(async () => {
  await t.sql`truncate status_webhook_changes, status_webhook_batches`;
});

/** One change per entry, for notification `ntf_<name>`, recorded in this order. */
const record = (...notifications: string[]) => recordChanges(t, ...notifications);

const claim = (size?: number) => claimBatch(t, size);
const notificationsOf = (b: StatusBatch | null) => b?.changes.map((c) => c.notificationId) ?? null;

describe("splitStatusBatch", () => {
  it("makes the older half due at once and holds the newer half back until the older one is gone", async () => {
    await record("a", "b", "a", "c", "a");
    const whole = await claim();
    await postponeStatusBatch(t.db, whole!, 0, "answered 422", true);
    await t.sql`update status_webhook_batches set created_at = now() - interval '5 minutes'`;

    const halves = await splitStatusBatch(t.db, whole!);
    expect(halves).toMatchObject({ older: { changes: 3 }, newer: { changes: 2 } });
    expect(halves!.older.id).not.toBe(whole!.id);
    expect(halves!.newer.id).not.toBe(whole!.id);
    const rows = await t.sql<{ id: string; attempts: number; rejections: number; last_error: string }[]>`
      select id, attempts, rejections, last_error from status_webhook_batches
      where created_at < now() - interval '4 minutes' order by id`;
    // Fresh backoff, same "failing since" and last error.
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ attempts: 0, rejections: 0, last_error: "answered 422" });

    const older = await claim();
    expect(older).toMatchObject({ id: halves!.older.id, attempts: 0, rejections: 0 });
    expect(notificationsOf(older)).toEqual(["ntf_a", "ntf_b", "ntf_a"]);
    // The newer half is due, not leased, yet waits: ntf_a's last change must not overtake the others.
    expect(await claim()).toBeNull();
    await postponeStatusBatch(t.db, older!, 0, "answered 503");
    const again = await claim();
    expect(again?.id).toBe(older!.id);

    expect(await deleteStatusBatch(t.db, again!)).toBe(true);
    const newer = await claim();
    expect(newer?.id).toBe(halves!.newer.id);
    expect(notificationsOf(newer)).toEqual(["ntf_c", "ntf_a"]);
  });

  it("split again, keeps the chain in order: the older half's halves, then the first newer half", async () => {
    await record("a", "a", "a", "a", "a", "a", "a", "a");
    const whole = await claim();
    const first = await splitStatusBatch(t.db, whole!);
    const again = await splitStatusBatch(t.db, (await claim())!);
    expect(again).toMatchObject({ older: { changes: 2 }, newer: { changes: 2 } });

    const order: number[][] = [];
    for (const expected of [again!.older.id, again!.newer.id, first!.newer.id]) {
      const b = await claim();
      expect(b?.id).toBe(expected);
      order.push(b!.changes.map((c) => c.sequence));
      expect(await claim()).toBeNull();
      expect(await deleteStatusBatch(t.db, b!)).toBe(true);
    }
    const sequences = whole!.changes.map((c) => c.sequence);
    expect(order).toEqual([sequences.slice(0, 2), sequences.slice(2, 4), sequences.slice(4)]);
  });

  it("makes no new batch of later changes while a split is worked through", async () => {
    await record("a", "b");
    const whole = await claim();
    await record("c");
    const halves = await splitStatusBatch(t.db, whole!);
    const older = await claim();
    expect(older?.id).toBe(halves!.older.id);
    expect(await claim()).toBeNull();
    expect(await deleteStatusBatch(t.db, older!)).toBe(true);
    const newer = await claim();
    expect(newer?.id).toBe(halves!.newer.id);
    expect(await claim()).toBeNull();
    expect(await deleteStatusBatch(t.db, newer!)).toBe(true);
    expect(notificationsOf(await claim())).toEqual(["ntf_c"]);
  });

  it("leaves a batch of one change as it is (that one is dropped instead)", async () => {
    await record("a");
    const one = await claim();
    expect(await splitStatusBatch(t.db, one!)).toBeNull();
    expect(await splitStatusBatch(t.db, { id: "swb_gone", leaseToken: null })).toBeNull();
    const [row] = await t.sql<{ n: number }[]>`select count(*)::int as n from status_webhook_changes
      where batch_id = ${one!.id}`;
    expect(row!.n).toBe(1);
  });
});

describe("postponeStatusBatch's rejections", () => {
  it("counts content rejections in a row; any other failure starts the count again", async () => {
    await record("a", "b");
    let b = (await claim())!;
    // Claimed again, as the next attempt is: each postpone below is the latest claim's.
    const rejections = async () => {
      await t.sql`update status_webhook_batches set leased_until = null`;
      b = (await claim())!;
      return b.rejections;
    };
    await postponeStatusBatch(t.db, b, 0, "answered 422", true);
    await postponeStatusBatch(t.db, b, 0, "answered 413", true);
    expect(await rejections()).toBe(2);
    await postponeStatusBatch(t.db, b, 0, "answered 503");
    expect(await rejections()).toBe(0);
    await postponeStatusBatch(t.db, b, 0, "answered 400", true);
    expect(await rejections()).toBe(1);
  });
});
