import { isDatabaseUnavailable, listDevicesOf, loadSendContexts, type SendContextRow } from "@herald/db";
import type { Channel, NotificationStatus } from "@herald/domain";
import { retryDelay } from "@herald/jobs";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { SendContext, SendResult } from "../providers/provider.ts";
import { sendOptions } from "../router/enqueue-sends.ts";
import {
  type AttemptInfo,
  type DeliverOptions,
  type DeliveryOutcome,
  deliver,
  finishDelivery,
  isSendContext,
  prepareDelivery,
  type RecordOptions,
} from "./deliver.ts";

/**
 * A batch sends only rows nobody else owns: a FAILED row has its own retry
 * job (the `beforeRetry` hand-over below), and a DEAD one waits for an operator.
 */
const BATCH_SENDABLE = new Set<NotificationStatus>(["PENDING", "QUEUED", "SCHEDULED"]);

/** Rows loaded and sent at once (`SEND_BATCH_SIZE` is at most 1,000; Resend takes 100 a request). */
const CHUNK = 100;

export interface BatchOutcome {
  sent: number;
  /** Already sent, canceled or handed over before this run reached them. */
  skipped: number;
  /** Failed for good (recorded FAILED or DEAD). */
  failed: number;
  /** Failed for now: each has a `send` job of its own that retries it. */
  retrying: number;
  missing: number;
}

function count(outcome: BatchOutcome, result: DeliveryOutcome): void {
  if (result.status === "SENT") outcome.sent++;
  else if (result.status === "SKIPPED") outcome.skipped++;
  else if (result.failure.kind === "retry") outcome.retrying++;
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
 * the group-committed writer. A failed send does not fail the batch: it is
 * recorded, and a transient one is handed over to a `send` job of its own
 * that carries the attempt count on (`priorAttempts`) and follows the
 * channel's retry schedule. Only infrastructure errors fail the batch, whose
 * re-run skips what was sent or handed over; PostgreSQL being unreachable is
 * rethrown untouched once every send in hand has settled.
 */
export async function sendBatch(
  deps: WorkerDeps,
  channel: Channel,
  job: Job,
  options: RecordOptions = {},
): Promise<BatchOutcome> {
  const ids = (job.data as { notificationIds: string[] }).notificationIds;
  const schedule = deps.env.retrySchedule[channel];
  const sender = deps.senders[channel];
  const at: AttemptInfo = { attempt: 1, maxAttempts: schedule.length, interrupted: job.stalledCounter > 0 };
  // After a cut-off run, a sender that can tell what its provider already has is asked one by one.
  const lookup = at.interrupted && deps.env.reliability.recoveryLookup && !!sender.findSent;
  const outcome: BatchOutcome = { sent: 0, skipped: 0, failed: 0, retrying: 0, missing: 0 };
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const found = await loadSendContexts(deps.db, chunk);
    outcome.missing += chunk.length - found.size;
    const loaded = [...found.values()];
    const devices =
      channel === "push"
        ? await listDevicesOf(deps.db, [
            ...new Set(loaded.flatMap((l) => (l.recipient ? [l.recipient.id] : []))),
          ])
        : undefined;
    const optionsFor = (ctx: SendContextRow): DeliverOptions => ({
      ...options,
      sendable: BATCH_SENDABLE,
      ...(devices ? { devices } : {}),
      beforeRetry: async (err) => {
        await deps.queues.add(
          channel,
          "send",
          { notificationId: ctx.notification.id, priorAttempts: 1 },
          {
            ...sendOptions(deps, ctx.notification),
            attempts: schedule.length - 1,
            delay: Math.max(retryDelay(schedule, 1), err.retryAfterMs ?? 0),
          },
        );
      },
    });
    if (!sender.sendMany || lookup) {
      await allOrFirstError(
        loaded.map(async (l) => count(outcome, await deliver(deps, channel, l, at, optionsFor(l)))),
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
        count(outcome, result);
      }),
    );
  }
  if (outcome.missing > 0)
    deps.logger.warn({ jobId: job.id, channel, missing: outcome.missing }, "batch rows not found");
  return outcome;
}
