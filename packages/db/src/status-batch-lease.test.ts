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

const claim = () => claimBatch(t);

/** The lease of every batch ran out (its holder stalled): the next claim takes the batch over. */
const expireLeases = () =>
  t.sql`update status_webhook_batches set leased_until = now() - interval '1 second'`;

/** Every change left, with the batch it is in: none lost, none in two places. */
const changes = () =>
  t.sql<
    { id: string; batch_id: string | null }[]
  >`select id, batch_id from status_webhook_changes order by id`;
const batches = () =>
  t.sql<{ id: string; attempts: number; leased: boolean }[]>`
    select id, attempts, leased_until > now() as leased from status_webhook_batches order by id`;

/** A claimed by the first dispatcher, taken over by B once A's lease ran out. */
async function takenOver(): Promise<{ a: StatusBatch; b: StatusBatch }> {
  await record("a", "b", "a");
  const a = (await claim())!;
  await expireLeases();
  const b = (await claim())!;
  return { a, b };
}

describe("settling a batch whose lease was taken over", () => {
  it("claims it again under the same id and changes, with a new token", async () => {
    const { a, b } = await takenOver();
    expect(b.id).toBe(a.id);
    expect(b.changes).toEqual(a.changes);
    expect(a.leaseToken).toEqual(expect.any(String));
    expect(b.leaseToken).not.toBe(a.leaseToken);
  });

  it("ignores the stale holder's delete, postpone and split and says so; the batch stays B's, whole", async () => {
    const { a, b } = await takenOver();
    const before = await changes();

    expect(await deleteStatusBatch(t.db, a)).toBe(false);
    expect(await postponeStatusBatch(t.db, a, 0, "answered 503")).toBeNull();
    expect(await splitStatusBatch(t.db, a)).toBeNull();

    expect(await changes()).toEqual(before);
    expect(before.map((c) => c.batch_id)).toEqual([b.id, b.id, b.id]);
    // Still leased to B, no failed attempt recorded: nothing is due for anyone else.
    expect(await batches()).toEqual([{ id: b.id, attempts: 0, leased: true }]);
    expect(await claim()).toBeNull();

    expect(await deleteStatusBatch(t.db, b)).toBe(true);
    expect(await changes()).toEqual([]);
    expect(await batches()).toEqual([]);
  });

  it("lets the new holder postpone and split it, and the stale one still changes nothing after", async () => {
    const { a, b } = await takenOver();
    const sequences = b.changes.map((c) => String(c.sequence));

    expect(await postponeStatusBatch(t.db, b, 0, "answered 422", true)).toMatchObject({ attempts: 1 });
    const halves = await splitStatusBatch(t.db, b);
    expect(halves).toMatchObject({ older: { changes: 2 }, newer: { changes: 1 } });
    // A's outcome arrives last: the halves are not its to touch, and the old id is gone.
    expect(await deleteStatusBatch(t.db, a)).toBe(false);
    expect(await postponeStatusBatch(t.db, a, 0, "answered 503")).toBeNull();
    expect(await splitStatusBatch(t.db, a)).toBeNull();

    // Every change is in exactly one of the halves, in order.
    const rows = await changes();
    expect(rows.map((c) => c.id)).toEqual(sequences);
    expect(rows.map((c) => c.batch_id)).toEqual([halves!.older.id, halves!.older.id, halves!.newer.id]);
    const older = (await claim())!;
    expect(older.id).toBe(halves!.older.id);
    expect(await deleteStatusBatch(t.db, older)).toBe(true);
    const newer = (await claim())!;
    expect(newer.id).toBe(halves!.newer.id);
    expect(await deleteStatusBatch(t.db, newer)).toBe(true);
    expect(await changes()).toEqual([]);
  });

  it("lets a holder whose lease ran out settle while no one took the batch over", async () => {
    await record("a");
    const a = (await claim())!;
    await expireLeases();
    expect(await postponeStatusBatch(t.db, a, 0, "answered 503")).toMatchObject({ attempts: 1 });
    await expireLeases();
    expect(await deleteStatusBatch(t.db, a)).toBe(true);
    expect(await changes()).toEqual([]);
  });

  it("takes over and settles a batch leased by a version without tokens (rolling upgrade)", async () => {
    await record("a", "b");
    const old = (await claim())!;
    // As that version left it: leased, no token, then its lease ran out.
    await t.sql`update status_webhook_batches set lease_token = null, leased_until = now() - interval '1 second'`;
    const lease = { id: old.id, leaseToken: null };

    const b = (await claim())!;
    expect(b.id).toBe(old.id);
    expect(b.leaseToken).toEqual(expect.any(String));
    // A settle without a token (the old holder's, were it this version) no longer matches.
    expect(await deleteStatusBatch(t.db, lease)).toBe(false);
    expect(await deleteStatusBatch(t.db, b)).toBe(true);
    expect(await changes()).toEqual([]);
  });
});
