import { isDatabaseUnavailable, listDevicesOf, loadSendContexts, type SendContextRow } from "@herald/db";
import type { Channel, NotificationStatus } from "@herald/domain";
import type { DeliveryError } from "@herald/errors";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { SendContext, SendResult } from "../providers/provider.ts";
import { cutOffBefore } from "../reliability/put-back-mark.ts";
import {
  type AttemptInfo,
  type DeliverOptions,
  type DeliveryOutcome,
  deliver,
  finishDelivery,
  isSendContext,
  looksUpFirst,
  prepareDelivery,
  type RecordOptions,
} from "./deliver.ts";
import { inFlightLogOf } from "./in-flight-log.ts";
import { pauseChannel } from "./provider-throttle.ts";
import { dropLateRetries, handOverRetries, type PendingRetry } from "./retry-batch.ts";

/**
 * A batch sends only rows nobody else owns: a FAILED row belongs to the job
 * its `send_job` names (a retry batch, or its own `send` job), and a DEAD one
 * waits for an operator. A retry batch sends only the FAILED rows handed to
 * it: any other status means someone acted on the row since (an operator's
 * retry or cancel), or that the batch that handed it over is still running.
 */
const BATCH_SENDABLE = new Set<NotificationStatus>(["PENDING", "QUEUED", "SCHEDULED"]);
const RETRY_SENDABLE = new Set<NotificationStatus>(["FAILED"]);

/** Rows loaded and sent at once (`SEND_BATCH_SIZE` is at most 1,000; Resend takes 100 a request). */
const CHUNK = 100;

export interface BatchOutcome {
  sent: number;
  /**
   * Already sent, canceled or handed over before this run reached them, or
   * whose send failed after someone else recorded them SENT (or canceled them).
   */
  skipped: number;
  /** Opted out or bounced since they were routed: recorded SUPPRESSED, not sent. */
  suppressed: number;
  /** Failed for good (recorded FAILED or DEAD). */
  failed: number;
  /** Failed for now: handed to one retry batch (`send_batch` with `priorAttempts`). */
  retrying: number;
  /** Refused for the account's rate (429): left as they were, for this job to send again after the pause. */
  throttled: number;
  missing: number;
}

function count(outcome: BatchOutcome, result: DeliveryOutcome): void {
  if (result.status === "SENT") outcome.sent++;
  else if (result.status === "SKIPPED") outcome.skipped++;
  else if (result.status === "SUPPRESSED") outcome.suppressed++;
  else if (result.failure.kind === "superseded") outcome.skipped++;
  else if (result.failure.kind === "retry") outcome.retrying++;
  else if (result.failure.kind === "throttled") outcome.throttled++;
  else outcome.failed++;
}

/** Settles every promise, then rethrows the first failure (PostgreSQL being down first). */
async function allOrFirstError(tasks: Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(tasks);
  const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
  if (errors.length > 0) throw errors.find(isDatabaseUnavailable) ?? errors[0];
}

/**
 * A `send_batch` job: notifications of one channel routed together, loaded a
 * chunk at a time in one query each, sent concurrently (in provider batch
 * requests where the channel's sender has them) and recorded SENT through
 * the group-committed writer. A failed send does not fail the batch: a
 * permanent failure is recorded, and the sends that failed for now go on
 * together in one retry batch (`handOverRetries`: the same job with
 * `priorAttempts`, after the channel's next delay), until the last attempt
 * dead-letters each; a failure that comes after someone else recorded the row
 * SENT (or canceled it) is only noted (`ignoreLateFailure`). Only
 * infrastructure errors fail the batch, whose re-run
 * skips what was sent or handed over; PostgreSQL being unreachable is
 * rethrown untouched once every send in hand has settled.
 *
 * Sends a provider refused for the account's rate (429) are no failed
 * attempt: their rows stay as they were (QUEUED, or FAILED to this retry
 * batch), the chunks not sent yet wait too, and once the rest is recorded
 * the job pauses the channel and throws `ChannelPausedError`. It then runs
 * again after the pause at the same attempt, sending only those rows.
 */
export async function sendBatch(
  deps: WorkerDeps,
  channel: Channel,
  job: Job,
  options: RecordOptions = {},
): Promise<BatchOutcome> {
  const { notificationIds: ids, priorAttempts = 0 } = job.data as {
    notificationIds: string[];
    priorAttempts?: number;
  };
  const schedule = deps.env.retrySchedule[channel];
  const sender = deps.senders[channel];
  const at: AttemptInfo = {
    attempt: priorAttempts + 1,
    maxAttempts: schedule.length,
    interrupted: job.stalledCounter > 0,
  };
  // After a cut-off run, a sender that can tell what its provider already has is asked one by one.
  const lookup = looksUpFirst(deps, channel, at);
  // Before the first load: rows a cut-off (or put-back) run's request may have left with a provider are loaded pinned.
  const inFlight = await inFlightLogOf(deps, channel, job, cutOffBefore(job));
  const outcome: BatchOutcome = {
    sent: 0,
    skipped: 0,
    suppressed: 0,
    failed: 0,
    retrying: 0,
    throttled: 0,
    missing: 0,
  };
  const retries: PendingRetry[] = [];
  let throttledBy: DeliveryError | undefined;
  const noteThrottle = (result: DeliveryOutcome) => {
    if (result.status === "FAILED" && result.failure.kind === "throttled")
      throttledBy ??= result.failure.error;
    count(outcome, result);
  };
  // A throttled chunk stops the batch: the next chunks' requests would be refused alike.
  for (let i = 0; i < ids.length && !throttledBy; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const found = await loadSendContexts(deps.db, chunk);
    outcome.missing += chunk.length - found.size;
    // A FAILED row is this job's only when its stamp says so (a later retry batch, or its own job, may own it).
    const loaded = [...found.values()].filter(
      (l) => l.notification.status !== "FAILED" || l.notification.sendJob === job.id,
    );
    outcome.skipped += found.size - loaded.length;
    const devices =
      channel === "push"
        ? await listDevicesOf(deps.db, [
            ...new Set(loaded.flatMap((l) => (l.recipient ? [l.recipient.id] : []))),
          ])
        : undefined;
    const optionsFor = (ctx: SendContextRow): DeliverOptions => ({
      ...options,
      sendable: priorAttempts > 0 ? RETRY_SENDABLE : BATCH_SENDABLE,
      ...(devices ? { devices } : {}),
      ...(inFlight ? { inFlight } : {}),
      takeRetry: (error) => retries.push({ notification: ctx.notification, error }),
    });
    if (!sender.sendMany || lookup) {
      await allOrFirstError(
        loaded.map(async (l) => noteThrottle(await deliver(deps, channel, l, at, optionsFor(l)))),
      );
      continue;
    }
    const prepared = await Promise.all(
      loaded.map(async (l) => ({ l, p: await prepareDelivery(deps, channel, l, at, optionsFor(l)) })),
    );
    const toSend: { l: SendContextRow; ctx: SendContext }[] = [];
    for (const { l, p } of prepared) {
      if (isSendContext(p)) toSend.push({ l, ctx: p });
      else count(outcome, p);
    }
    const answers: (SendResult | Error)[] =
      toSend.length > 0 ? await sender.sendMany(toSend.map((t) => t.ctx)) : [];
    await allOrFirstError(
      toSend.map(async ({ l, ctx }, k) => {
        const answer = answers[k];
        const result = await finishDelivery(
          deps,
          ctx,
          answer instanceof Error || !answer
            ? { error: answer ?? new Error("no answer") }
            : { result: answer },
          at,
          optionsFor(l),
        );
        noteThrottle(result);
      }),
    );
  }
  const handed = await dropLateRetries(deps, at, retries);
  outcome.retrying -= retries.length - handed.length;
  outcome.skipped += retries.length - handed.length;
  // In the batch's order, whatever order the sends ended in: the same rows make the same retry job.
  const position = new Map(ids.map((id, k) => [id, k]));
  handed.sort((x, y) => position.get(x.notification.id)! - position.get(y.notification.id)!);
  await handOverRetries(deps, channel, job.id!, at, handed);
  // Every outcome is recorded now, the retries' providers that may have them included: one HDEL.
  await inFlight?.clear();
  if (outcome.missing > 0)
    deps.logger.warn({ jobId: job.id, channel, missing: outcome.missing }, "batch rows not found");
  if (throttledBy) throw await pauseChannel(deps, channel, throttledBy);
  return outcome;
}
