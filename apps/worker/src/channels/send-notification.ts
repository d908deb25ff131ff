import type { Batcher, RunOptions } from "@herald/batching";
import {
  getNotification,
  getRecipientById,
  isDatabaseUnavailable,
  listDevices,
  type NotificationRow,
  removeDeviceById,
  type SendContextRow,
  transition,
} from "@herald/db";
import type { Channel, NotificationStatus } from "@herald/domain";
import { DeliveryError, isDeliveryError } from "@herald/errors";
import { type Job, UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { SendResult } from "../providers/provider.ts";
import type { DatabaseGate } from "../reliability/database-gate.ts";
import { retryWhileDatabaseDown } from "../reliability/retry-write.ts";
import type { SentWriter } from "../reliability/sent-writer.ts";

/** Statuses in which a send job still has work to do. Anything else was sent, canceled or suppressed meanwhile. */
const SENDABLE = new Set<NotificationStatus>(["PENDING", "SCHEDULED", "QUEUED", "FAILED", "DEAD"]);

function classify(err: unknown): DeliveryError {
  if (isDeliveryError(err)) return err;
  return new DeliveryError("transient", (err as Error)?.message ?? String(err), {
    provider: "unknown",
    cause: err,
  });
}

export type SendOutcome =
  | { status: "SENT"; provider: string }
  | { status: "SKIPPED"; current: NotificationStatus };

export interface SendOptions {
  /** Told when PostgreSQL is unreachable (the process then pauses its consumers). */
  gate?: DatabaseGate;
  /**
   * Batches SENT writes on connections of their own. Between the provider's
   * answer and that write a crash means a resend, so the write must neither
   * queue behind other jobs' reads nor wait for a round trip of its own.
   * Default: a plain `transition` on `deps.db`.
   */
  sentWriter?: SentWriter;
  /**
   * Loads a notification with its recipient, grouping concurrent jobs' loads
   * into one query. Default: two lookups on `deps.db` per job.
   */
  contexts?: Batcher<string, SendContextRow | null>;
  /** `urgent` (a critical job): its grouped load takes the batcher's urgent lane. Default normal. */
  lane?: RunOptions;
}

async function loadContext(
  deps: WorkerDeps,
  id: string,
  options: SendOptions,
): Promise<SendContextRow | null> {
  if (options.contexts) return options.contexts.run(id, options.lane);
  const notification = await getNotification(deps.db, id);
  if (!notification) return null;
  return { notification, recipient: await getRecipientById(deps.db, notification.recipientId) };
}

/**
 * One attempt at delivering one notification. Idempotent: a notification
 * already SENT (or canceled, suppressed…) is left alone, so a re-delivered or
 * re-enqueued job never sends twice. Failures are classified: permanent ones
 * fail at once (no retry), transient ones retry on the channel's schedule and
 * go to the dead-letter queue after the last attempt.
 *
 * PostgreSQL being unreachable is not the provider's failure: such errors are
 * rethrown untouched, and the caller puts the job back without counting an
 * attempt. Once the provider accepted, the SENT write is retried through a
 * database outage (`STATUS_WRITE_RETRY_MS`) so a blip does not cause a resend.
 */
export async function sendNotification(
  deps: WorkerDeps,
  channel: Channel,
  job: Job,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const notificationId = (job.data as { notificationId: string }).notificationId;
  const loaded = await loadContext(deps, notificationId, options);
  if (!loaded) throw new UnrecoverableError(`notification ${notificationId} not found`);
  const { notification, recipient } = loaded;
  if (!SENDABLE.has(notification.status)) return { status: "SKIPPED", current: notification.status };

  if (!recipient || recipient.erasedAt) {
    await transition(deps.db, notificationId, "FAILED", {
      set: { reason: "recipient_erased", lastError: "recipient erased" },
      detail: { error: "recipient erased" },
    });
    throw new UnrecoverableError("recipient erased");
  }
  const devices = channel === "push" ? await listDevices(deps.db, recipient.id) : [];
  const attempt = job.attemptsMade + 1;
  const maxAttempts = job.opts.attempts ?? 1;

  const sender = deps.senders[channel];
  const ctx = { notification, recipient, devices, attempt };
  let result: SendResult;
  try {
    // A previous run of this job was cut off (its worker died): it may have
    // reached the provider. Ask, where the provider can tell.
    const interrupted = job.stalledCounter > 0 && deps.env.reliability.recoveryLookup;
    const prior = interrupted && sender.findSent ? await sender.findSent(ctx) : null;
    result = prior ?? (await sender.send(ctx));
  } catch (raw) {
    if (isDatabaseUnavailable(raw)) throw raw;
    return failed(deps, notification, raw, attempt, maxAttempts);
  }
  const sentAt = deps.now();
  const detail = {
    provider: result.provider,
    providerMessageId: result.providerMessageId,
    attempt,
    ...result.detail,
  };
  await retryWhileDatabaseDown(
    () =>
      options.sentWriter
        ? options.sentWriter.write({
            id: notificationId,
            provider: result.provider,
            providerMessageId: result.providerMessageId,
            sentAt,
            detail,
          })
        : transition(deps.db, notificationId, "SENT", {
            set: {
              provider: result.provider,
              providerMessageId: result.providerMessageId,
              sentAt,
              lastError: null,
            },
            detail,
            at: sentAt,
          }),
    {
      deadlineMs: deps.env.reliability.statusWriteRetryMs,
      logger: deps.logger,
      what: `SENT ${notificationId}`,
      ...(options.gate ? { gate: options.gate } : {}),
    },
  );
  await sender
    .afterSent?.(ctx, result)
    .catch((err: Error) =>
      deps.logger.warn({ notificationId, channel, err: err.message }, "after-send step failed"),
    );
  return { status: "SENT", provider: result.provider };
}

/** Records a failed attempt and throws what tells BullMQ whether (and how) to go on. */
async function failed(
  deps: WorkerDeps,
  notification: NotificationRow,
  raw: unknown,
  attempt: number,
  maxAttempts: number,
): Promise<never> {
  const { id: notificationId, channel } = notification;
  const err = classify(raw);
  const detail = {
    provider: err.provider,
    code: err.code,
    error: err.message.slice(0, 500),
    attempt,
    kind: err.kind,
  };
  if (err.kind === "gone") {
    const gone = (raw as { deviceIds?: string[] }).deviceIds ?? [];
    await Promise.all(gone.map((id) => removeDeviceById(deps.db, id)));
  }
  if (err.kind !== "transient") {
    await transition(deps.db, notificationId, "FAILED", {
      set: {
        reason: err.kind === "gone" ? "device_gone" : "permanent_error",
        lastError: err.message.slice(0, 1000),
      },
      detail: { ...detail, final: true },
    });
    throw new UnrecoverableError(`${err.provider}: ${err.message}`);
  }
  if (attempt >= maxAttempts) {
    // Dead-letter first, then mark DEAD: a crash in between re-runs the job,
    // which adds the same dead-letter job again (a no-op), never none. The id
    // is stable for this death (the row's last change), while a later death
    // after an operator's retry gets a new one.
    await deps.queues.add(
      "dead_letter",
      "dead",
      { notificationId, channel, error: err.message.slice(0, 2000), attempts: attempt },
      { jobId: `dead-${notificationId}-${notification.updatedAt.getTime()}` },
    );
    await transition(deps.db, notificationId, "DEAD", {
      set: { reason: "retries_exhausted", lastError: err.message.slice(0, 1000) },
      detail,
    });
    throw err;
  }
  await transition(deps.db, notificationId, "FAILED", {
    incrementRetry: true,
    set: { lastError: err.message.slice(0, 1000) },
    detail,
  });
  throw err;
}
