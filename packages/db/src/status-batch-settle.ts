import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import type { StatusBatch } from "./status-webhooks.ts";

/**
 * What settling a batch (`deleteStatusBatch`, `postponeStatusBatch`,
 * `splitStatusBatch`) names: the batch and the token of the claim that leased
 * it. A settle acts only while the batch still carries that token: once the
 * lease ran out and another dispatcher claimed the batch, the first one's
 * late outcome is dropped (a 2xx included: the new holder POSTs the batch
 * again under the same `webhook-id`, which the receiver dedupes). A null
 * token matches only a batch no claim of this version has stamped.
 */
export type StatusBatchLease = Pick<StatusBatch, "id"> & { leaseToken: string | null };

/**
 * The receiver took the batch: its changes are done. False when the lease
 * was taken over (or the batch is gone): nothing is deleted, the holder
 * settles it.
 */
export async function deleteStatusBatch(db: Db, lease: StatusBatchLease): Promise<boolean> {
  const [row] = await pg(db)<{ n: number }[]>`
    with b as (
      delete from status_webhook_batches
      where id = ${lease.id} and lease_token is not distinct from ${lease.leaseToken}
      returning id
    ), changes as (
      delete from status_webhook_changes where batch_id = ${lease.id} and exists (select 1 from b)
    )
    select count(*)::int as n from b`;
  return (row?.n ?? 0) > 0;
}

/** Longest `last_error` kept: a status line or a connection error, not a body. */
export const STATUS_BATCH_ERROR_MAX = 300;

/** A refused batch after `postponeStatusBatch`: how long it has been failing. */
export interface PostponedBatch {
  /** Failed attempts, this one included. */
  attempts: number;
  /** When the batch was first claimed (its first attempt began). */
  since: Date;
  /** When the failed attempt before this one ended; null on the first failure. */
  previousAttemptAt: Date | null;
  /** PostgreSQL's clock as it recorded this failure (the other times are on it too). */
  at: Date;
}

/**
 * The receiver refused the batch (or did not answer): it is due again in
 * `delayMs`, same id, same changes. `error` is kept for the operator
 * (the dashboard's overview), cut to 300 characters: pass what the dispatcher
 * logs (`answered 503`), never a body. `rejected`: the receiver refused the
 * body (400, 413, 422), counted in the batch's consecutive `rejections`;
 * any other failure resets them. Null when nothing was postponed: the lease
 * was taken over, or the batch is gone (expired once the lease ran out).
 */
export async function postponeStatusBatch(
  db: Db,
  lease: StatusBatchLease,
  delayMs: number,
  error: string,
  rejected = false,
): Promise<PostponedBatch | null> {
  const [row] = await pg(db)<
    { attempts: number; since_ms: number; previous_ms: number | null; at_ms: number }[]
  >`
    with old as (select id, last_attempt_at from status_webhook_batches where id = ${lease.id})
    update status_webhook_batches b
    set attempts = b.attempts + 1, leased_until = null,
      rejections = case when ${rejected}::boolean then b.rejections + 1 else 0 end,
      next_attempt_at = now() + ${`${Math.max(0, Math.round(delayMs))} milliseconds`}::interval,
      last_error = ${error.slice(0, STATUS_BATCH_ERROR_MAX)}, last_attempt_at = now()
    from old where b.id = old.id and b.lease_token is not distinct from ${lease.leaseToken}
    returning b.attempts, (extract(epoch from b.created_at) * 1000)::float8 as since_ms,
      (extract(epoch from old.last_attempt_at) * 1000)::float8 as previous_ms,
      (extract(epoch from now()) * 1000)::float8 as at_ms`;
  if (!row) return null;
  return {
    attempts: row.attempts,
    since: new Date(row.since_ms),
    previousAttemptAt: row.previous_ms === null ? null : new Date(row.previous_ms),
    at: new Date(row.at_ms),
  };
}
