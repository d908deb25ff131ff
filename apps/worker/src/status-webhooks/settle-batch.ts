import {
  type Db,
  type PostponedBatch,
  postponeStatusBatch,
  recordEndpointFailure,
  type SplitStatusBatch,
  type StatusBatch,
  splitStatusBatch,
} from "@herald/db";
import type { WorkerDeps } from "../deps.ts";

export interface FailedAttempt {
  batch: StatusBatch;
  /** Split the batch in two (`refusalStep` said so) rather than try it again whole. */
  split: boolean;
  /** Wait before the next attempt of the batch, when it is tried again whole. */
  waitMs: number;
  /** What the dispatcher logs (`answered 503`): kept on the batch, and on the endpoint. */
  error: string;
  /** The receiver refused the body (400, 413, 422): counted in the batch's `rejections`. */
  contentRejection: boolean;
  /** The API endpoint (`whe_…`) to record the failed attempt on; null for STATUS_WEBHOOK_URL. */
  endpointId: string | null;
}

/** What became of a failed batch: split in two, or due again whole. */
export type SettledFailure = { halves: SplitStatusBatch } | { postponed: PostponedBatch };

/**
 * Settles a failed attempt: splits the batch (when asked, and it still holds
 * two changes) or postpones it, and records the attempt on its API
 * endpoint. One transaction: the endpoint's failure is recorded only if
 * this dispatcher still held the batch, and before anything that follows
 * (a split's older half is due at once) can record a success. Null, with
 * nothing changed, when the lease was taken over.
 */
export async function settleFailedBatch(db: Db, a: FailedAttempt): Promise<SettledFailure | null> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const halves = a.split ? await splitStatusBatch(t, a.batch) : null;
    const postponed = halves
      ? null
      : await postponeStatusBatch(t, a.batch, a.waitMs, a.error, a.contentRejection);
    if (a.endpointId && (halves || postponed)) await recordEndpointFailure(t, a.endpointId, a.error);
    if (halves) return { halves };
    return postponed ? { postponed } : null;
  });
}

/**
 * One warn line for an outcome found stale: this dispatcher's lease ran out
 * before it settled the batch (its process stalled, or the POST outlasted
 * the lease), and another dispatcher claimed the batch since (or it was
 * dropped meanwhile: expired, its endpoint deleted). The outcome is
 * dropped, counted nowhere: the new holder POSTs the batch again under the
 * same `webhook-id` (receivers dedupe on it) and settles it. Ids and the
 * answer only, never the body.
 */
export function reportLeaseLost(
  logger: WorkerDeps["logger"],
  batch: StatusBatch,
  outcome: string,
  leaseMs: number,
): "lost" {
  logger.warn(
    { endpointId: batch.endpointId, batch: batch.id, outcome, leaseMs },
    `status webhooks: batch ${batch.id} is no longer this dispatcher's (its ${leaseMs} ms lease ran out and another dispatcher took it over, or it was dropped): its outcome (${outcome}) is dropped; whoever holds it now sends it again under the same webhook-id`,
  );
  return "lost";
}
