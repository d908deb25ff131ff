import { deleteStatusBatch, ENV_WEBHOOK_ENDPOINT_ID, type StatusBatch, splitStatusBatch } from "@herald/db";
import type { WorkerDeps } from "../deps.ts";

export interface RejectedBatch {
  batch: StatusBatch;
  /** The receiver's HTTP status (400, 413 or 422). */
  status: number;
  /** `STATUS_WEBHOOK_SPLIT_AFTER`: the refusals in a row that led here. */
  splitAfter: number;
}

type Ctx = Pick<WorkerDeps, "db" | "logger"> & { count: (field: string, by: number) => void };

const who = (endpointId: string) =>
  endpointId === ENV_WEBHOOK_ENDPOINT_ID ? "STATUS_WEBHOOK_URL" : `endpoint ${endpointId}`;

/**
 * Splits a batch the receiver refused for its body `splitAfter` times in a
 * row into its older and newer halves (`splitStatusBatch`): the older goes
 * at once, the newer after it, each under a new `webhook-id` (the caller
 * recorded the failed attempt on an API endpoint first). False when the
 * batch could not be split (gone, or down to one change since it was
 * claimed): the caller postpones it as any failure.
 */
export async function splitRejectedBatch(ctx: Ctx, r: RejectedBatch): Promise<boolean> {
  const { batch } = r;
  const halves = await splitStatusBatch(ctx.db, batch.id);
  if (!halves) return false;
  ctx.count("status_webhooks_failed", 1);
  ctx.logger.warn(
    {
      endpointId: batch.endpointId,
      batch: batch.id,
      changes: batch.changes.length,
      answered: r.status,
      older: halves.older,
      newer: halves.newer,
    },
    `status webhooks: ${who(batch.endpointId)} answered ${r.status} to batch ${batch.id} ${r.splitAfter} times in a row; split it in two to find the change it refuses`,
  );
  return true;
}

/**
 * What a dropped change's log line and its endpoint's `lastError` and
 * `lastRejection` say: `dropped change 81234 (ntf_… DELIVERED): answered 422 3 times`.
 */
export function rejectionNote(r: RejectedBatch): string {
  const c = r.batch.changes[0]!;
  return `dropped change ${c.sequence} (${c.notificationId} ${c.status}): answered ${r.status} ${r.splitAfter} times`;
}

/**
 * Drops the one change of a batch the receiver refused for its body
 * `splitAfter` times in a row: counted as `status_webhooks_rejected`, one
 * error line (ids, sequence, status and the HTTP status only: a body could
 * echo the change's data; `endpointId`, as the logger redacts `endpoint`),
 * The notification's later changes go out next. (The caller records it on
 * an API endpoint first: `recordEndpointRejection` with {@link rejectionNote}.)
 */
export async function dropRejectedChange(ctx: Ctx, r: RejectedBatch): Promise<void> {
  const { batch } = r;
  const change = batch.changes[0]!;
  await deleteStatusBatch(ctx.db, batch.id);
  ctx.count("status_webhooks_failed", 1);
  ctx.count("status_webhooks_rejected", batch.changes.length);
  ctx.logger.error(
    {
      endpointId: batch.endpointId,
      batch: batch.id,
      notification: change.notificationId,
      sequence: change.sequence,
      status: change.status,
      answered: r.status,
      attempts: r.splitAfter,
    },
    `status webhooks: ${who(batch.endpointId)} ${rejectionNote(r)}; it will not be sent again (STATUS_WEBHOOK_SPLIT_AFTER)`,
  );
}
