import { createHash } from "node:crypto";
import { getStates, markRetrying, type NotificationRow } from "@herald/db";
import { type Channel, PRIORITY_RANK } from "@herald/domain";
import type { DeliveryError } from "@herald/errors";
import { DEFAULT_JOB_OPTIONS, retryDelay } from "@herald/jobs";
import type { WorkerDeps } from "../deps.ts";
import type { AttemptInfo } from "./deliver.ts";
import { failureDetail, ignoreLateFailure, isSettled } from "./record-failure.ts";

/** A send of a batch that failed for now, waiting to be handed over. */
export interface PendingRetry {
  notification: NotificationRow;
  error: DeliveryError;
}

const RETRY_SUFFIX = /-a(\d+)-[0-9a-f]{12}$/;

/** The attempt a retry batch makes (its stamp's `-a<N>-`), or null for another stamp. */
export function retryBatchAttempt(id: string | null): number | null {
  const match = id === null ? null : RETRY_SUFFIX.exec(id);
  return match ? Number(match[1]) : null;
}

/** Whether a `send_job` stamp names a retry batch (which owns the FAILED rows it lists). */
export const isRetryBatchId = (id: string | null): boolean => retryBatchAttempt(id) !== null;

/**
 * The retry batch's job id: the first batch's id, the attempt it makes and a
 * digest of its rows. Fixed by those, so a batch that runs again and hands
 * over the same rows adds nothing; one that hands over other rows (some went
 * through meanwhile) gets a job of its own, and the first job skips the rows
 * it no longer owns (their `send_job` names the newer one).
 */
export function retryBatchId(batchJobId: string, nextAttempt: number, ids: string[]): string {
  const root = batchJobId.replace(RETRY_SUFFIX, "");
  const digest = createHash("sha256").update(ids.join(",")).digest("hex").slice(0, 12);
  return `${root}-a${nextAttempt}-${digest}`;
}

/**
 * The retries a batch is about to hand over, less those whose rows were
 * settled meanwhile (SENT by a status callback, canceled…), which are only
 * noted (`ignoreLateFailure`): no retry batch lists a row already SENT. One
 * query for all of them.
 */
export async function dropLateRetries(
  deps: WorkerDeps,
  at: AttemptInfo,
  retries: PendingRetry[],
): Promise<PendingRetry[]> {
  if (retries.length === 0) return retries;
  const states = await getStates(
    deps.db,
    retries.map((r) => r.notification.id),
  );
  const keep: PendingRetry[] = [];
  for (const r of retries) {
    const current = states.get(r.notification.id)?.status;
    if (current && isSettled(current))
      await ignoreLateFailure(deps, r.notification, r.error, at.attempt, current);
    else keep.push(r);
  }
  return keep;
}

/**
 * Hands the sends of a batch that failed for now to one `send_batch` job
 * that retries them together after the channel's next delay (or the longest
 * wait a provider asked for). A provider's outage then costs one job and one
 * batch request per retry, not one of each per notification (Resend allows a
 * few requests a second). The job is in place before the rows are recorded
 * FAILED; a crash in between leaves them QUEUED to this batch, which runs again.
 */
export async function handOverRetries(
  deps: WorkerDeps,
  channel: Channel,
  batchJobId: string,
  at: AttemptInfo,
  retries: PendingRetry[],
): Promise<string | undefined> {
  if (retries.length === 0) return undefined;
  const ids = retries.map((r) => r.notification.id);
  const jobId = retryBatchId(batchJobId, at.attempt + 1, ids);
  const asked = Math.max(...retries.map((r) => r.error.retryAfterMs ?? 0));
  await deps.queues.add(
    channel,
    "send_batch",
    { notificationIds: ids, priorAttempts: at.attempt },
    {
      ...DEFAULT_JOB_OPTIONS.sendBatch,
      jobId,
      priority: PRIORITY_RANK[retries[0]!.notification.priority],
      delay: Math.max(retryDelay(deps.env.retrySchedule[channel], at.attempt), asked),
    },
  );
  await markRetrying(
    deps.db,
    retries.map(({ notification, error }) => ({
      id: notification.id,
      error: error.message,
      detail: failureDetail(error, at.attempt),
      // The provider that may have it: the retry batch goes to it alone (see ambiguousFields).
      ...(error.ambiguous
        ? { ambiguous: { provider: error.provider, batchKey: error.requestKey ?? null } }
        : {}),
    })),
    jobId,
    deps.now(),
  );
  return jobId;
}
