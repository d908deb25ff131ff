import { getNotification, getRecipientById, listDevices, removeDeviceById, transition } from "@herald/db";
import type { Channel, NotificationStatus } from "@herald/domain";
import { DeliveryError, isDeliveryError } from "@herald/errors";
import { type Job, UnrecoverableError } from "bullmq";
import type { WorkerDeps } from "../deps.ts";

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

/**
 * One attempt at delivering one notification. Idempotent: a notification
 * already SENT (or canceled, suppressed…) is left alone, so a re-delivered or
 * re-enqueued job never sends twice. Failures are classified: permanent ones
 * fail at once (no retry), transient ones retry on the channel's schedule and
 * go to the dead-letter queue after the last attempt.
 */
export async function sendNotification(deps: WorkerDeps, channel: Channel, job: Job): Promise<SendOutcome> {
  const notificationId = (job.data as { notificationId: string }).notificationId;
  const notification = await getNotification(deps.db, notificationId);
  if (!notification) throw new UnrecoverableError(`notification ${notificationId} not found`);
  if (!SENDABLE.has(notification.status)) return { status: "SKIPPED", current: notification.status };

  const recipient = await getRecipientById(deps.db, notification.recipientId);
  if (!recipient || recipient.erasedAt) {
    await transition(deps.db, notificationId, "FAILED", {
      set: { lastError: "recipient erased" },
      detail: { error: "recipient erased" },
    });
    throw new UnrecoverableError("recipient erased");
  }
  const devices = channel === "push" ? await listDevices(deps.db, recipient.id) : [];
  const attempt = job.attemptsMade + 1;
  const maxAttempts = job.opts.attempts ?? 1;

  try {
    const result = await deps.senders[channel].send({ notification, recipient, devices, attempt });
    await transition(deps.db, notificationId, "SENT", {
      set: {
        provider: result.provider,
        providerMessageId: result.providerMessageId,
        sentAt: deps.now(),
        lastError: null,
      },
      detail: {
        provider: result.provider,
        providerMessageId: result.providerMessageId,
        attempt,
        ...result.detail,
      },
    });
    return { status: "SENT", provider: result.provider };
  } catch (raw) {
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
      // Dead-letter first, then mark DEAD: a crash in between re-runs the job
      // and adds the same dead-letter job id again (a no-op), never none.
      await deps.queues.add(
        "dead_letter",
        "dead",
        { notificationId, channel, error: err.message.slice(0, 2000), attempts: attempt },
        { jobId: `dead-${notificationId}-${job.processedOn ?? job.timestamp}` },
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
}
