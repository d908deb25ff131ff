import {
  type Db,
  deleteStatusBatch,
  ENV_WEBHOOK_ENDPOINT_ID,
  recordEndpointRejection,
  type SplitStatusBatch,
  type StatusBatch,
} from "@herald/db";
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
 * Counts and logs the split of a batch the receiver refused for its body
 * `splitAfter` times in a row into its older and newer halves
 * (`splitStatusBatch`, by `settleFailedBatch`): the older goes at once, the
 * newer after it, each under a new `webhook-id`.
 */
export function reportSplit(ctx: Ctx, r: RejectedBatch, halves: SplitStatusBatch): void {
  const { batch } = r;
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
 * echo the change's data; `endpointId`, as the logger redacts `endpoint`).
 * The notification's later changes go out next. On an API endpoint (`own`)
 * it is recorded too (`recordEndpointRejection` with {@link rejectionNote}).
 * False, and nothing dropped, counted or recorded, when the lease was taken
 * over: the new holder's attempt decides.
 */
export async function dropRejectedChange(ctx: Ctx, r: RejectedBatch, own: boolean): Promise<boolean> {
  const { batch } = r;
  const change = batch.changes[0]!;
  // One transaction: recorded only if dropped, and before the notification's next batch can be
  // claimed, and its success recorded.
  const dropped = await ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await deleteStatusBatch(t, batch))) return false;
    if (own) await recordEndpointRejection(t, batch.endpointId, rejectionNote(r));
    return true;
  });
  if (!dropped) return false;
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
  return true;
}
