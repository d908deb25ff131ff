import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimBatch, recordChanges } from "./status-batch-fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(() => t?.drop());
beforeEach(async () => {
  await t.sql`truncate status_webhook_changes, status_webhook_batches`;
});

/** Each batch's changes as their notifications' names, the batches in the order their ids sort. */
async function cut(): Promise<string[][]> {
  const rows = await t.sql<{ names: string[] }[]>`
    select array_agg(substr(c.notification_id, 5) order by c.id) as names
    from status_webhook_batches b join status_webhook_changes c on c.batch_id = b.id
    group by b.id order by min(c.id)`;
  return rows.map((r) => r.names);
}

// Dispatchers claiming at the same moment (several loops, several processes): without the
// endpoint's lock each took what the others' SKIP LOCKED scans had not reached yet.
describe("claims made at the same moment", () => {
  it("cut a small backlog into one batch, not one per claimer", async () => {
    for (let round = 0; round < 15; round++) {
      await t.sql`truncate status_webhook_changes, status_webhook_batches`;
      await recordChanges(t, "a", "b", "c", "d", "e", "f");
      const claims = await Promise.all(Array.from({ length: 6 }, () => claimBatch(t)));
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
      expect(await cut(), `round ${round}`).toEqual([["a", "b", "c", "d", "e", "f"]]);
    }
  });

  it("cut a larger one into full batches of consecutive changes", async () => {
    await recordChanges(t, "a", "b", "c", "d", "e", "f", "g");
    const claims = await Promise.all(Array.from({ length: 6 }, () => claimBatch(t, 2)));
    expect(claims.filter((c) => c !== null)).toHaveLength(4);
    expect(await cut()).toEqual([["a", "b"], ["c", "d"], ["e", "f"], ["g"]]);
  });
});
