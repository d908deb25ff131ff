import { newId } from "@herald/ids";
import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import type { StatusBatchLease } from "./status-batch-settle.ts";

/** The two batches a split batch became. */
export interface SplitStatusBatch {
  /** `swb_…` holding the older half of the changes: due at once. */
  older: { id: string; changes: number };
  /** `swb_…` holding the newer half: not POSTed while `older` exists. */
  newer: { id: string; changes: number };
}

/**
 * Splits the batch, which the receiver keeps refusing for its body, into
 * two new batches: the older half of its changes (by `sequence`), due now,
 * and the newer half, which `claimStatusBatch` holds back until the older
 * one is delivered or dropped. A notification with changes in both halves
 * therefore still gets them in order and never in two POSTs at once. A
 * batch that was waiting for it (the newer half of an earlier split)
 * waits for the new newer half instead, so the chain stays in order.
 *
 * Both start with no failed attempts (their backoff starts again at 1 s)
 * and new ids (their bodies differ from the batch's, so their `webhook-id`
 * must too); they keep its first-claim time and last error, so "failing
 * since" and the stuck alert go on counting from the first refusal. Call it
 * with the batch leased (just refused): one transaction (a savepoint inside
 * the caller's), so a dispatcher dying half-way leaves the batch as it was.
 * Null when nothing was split: the batch holds fewer than two changes (drop
 * that one instead), the lease was taken over, or the batch is gone.
 */
export async function splitStatusBatch(db: Db, lease: StatusBatchLease): Promise<SplitStatusBatch | null> {
  const { id, leaseToken } = lease;
  const older = newId("swb");
  const newer = newId("swb");
  return db.transaction(async (tx) => {
    const sql = pg(tx as unknown as Db);
    // Locked first: a claim taking the batch over either came first (its token differs) or skips it until done.
    const [parent] = await sql<{ n: number }[]>`
      select (select count(*)::int from status_webhook_changes where batch_id = ${id}) as n
      from status_webhook_batches
      where id = ${id} and lease_token is not distinct from ${leaseToken} for update`;
    if (!parent || parent.n < 2) return null;
    const olderCount = Math.ceil(parent.n / 2);
    await sql`
      insert into status_webhook_batches
        (id, endpoint_id, after_batch_id, next_attempt_at, last_error, last_attempt_at, created_at)
      select v.id, b.endpoint_id, v.after, now(), b.last_error, b.last_attempt_at, b.created_at
      from status_webhook_batches b
        cross join lateral (values (${older}::text, b.after_batch_id), (${newer}::text, ${older}::text))
          as v(id, after)
      where b.id = ${id}`;
    await sql`
      with ranked as (
        select id, row_number() over (order by id) as rn from status_webhook_changes where batch_id = ${id}
      )
      update status_webhook_changes c
      set batch_id = case when r.rn <= ${olderCount} then ${older} else ${newer} end
      from ranked r where c.id = r.id`;
    await sql`update status_webhook_batches set after_batch_id = ${newer} where after_batch_id = ${id}`;
    await sql`delete from status_webhook_batches where id = ${id}`;
    return {
      older: { id: older, changes: olderCount },
      newer: { id: newer, changes: parent.n - olderCount },
    };
  });
}
