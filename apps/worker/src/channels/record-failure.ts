import { contactAddress, removeDeviceById, suppressAddress, transition } from "@herald/db";
import type { FinalFailureReason } from "@herald/domain";
import { DeliveryError, isDeliveryError } from "@herald/errors";
import { scrubText } from "@herald/logger";
import type { WorkerDeps } from "../deps.ts";
import type { SendContext } from "../providers/provider.ts";
import type { AttemptInfo } from "./deliver.ts";

/** How one delivery ended when it did not end SENT or SKIPPED. */
export type DeliveryFailure =
  | { kind: "erased" }
  /** Recorded FAILED (permanent, or the device is gone): no retry. */
  | { kind: "permanent"; error: DeliveryError }
  /** Dead-lettered and recorded DEAD: that was the last attempt. */
  | { kind: "dead"; error: DeliveryError }
  /** Recorded FAILED awaiting a retry (or, with `takeRetry`, taken by the batch to record). */
  | { kind: "retry"; error: DeliveryError }
  /**
   * The provider refused for our account's rate (429, `rateLimited`): nothing
   * recorded and no attempt used. The job pauses the channel
   * (`pauseChannel`) and sends it again after the pause, at the same attempt.
   */
  | { kind: "throttled"; error: DeliveryError };

/**
 * Takes a send that failed for now (not on its last attempt) instead of
 * recording it: a batch gathers them and hands them to one retry batch
 * (`handOverRetries`), which puts that job in place before the rows say
 * FAILED, so that no crash can leave a FAILED row that nothing will retry.
 */
export type TakeRetry = (error: DeliveryError) => void;

function classify(err: unknown): DeliveryError {
  if (isDeliveryError(err)) return err;
  return new DeliveryError("transient", (err as Error)?.message ?? String(err), {
    provider: "unknown",
    cause: err,
  });
}

/** A failed attempt's timeline detail: who failed, how, on which attempt. Never PII. */
export function failureDetail(err: DeliveryError, attempt: number) {
  return {
    provider: err.provider,
    code: err.code,
    error: err.message.slice(0, 500),
    attempt,
    kind: err.kind,
    // The provider may have it, so no other provider was tried for it.
    ...(err.ambiguous ? { ambiguous: true } : {}),
  };
}

/**
 * Puts the address the provider refused for good on the suppression list
 * (`suppressesAddress`: Twilio 21610, the number replied STOP), as the
 * provider's webhooks do for a bounce: routing and the send-time re-check
 * then suppress later notifications to it instead of sending them to be
 * refused again. Returns whether an address was suppressed.
 */
async function suppressRefusedAddress(deps: WorkerDeps, ctx: SendContext, err: DeliveryError) {
  const { notification, recipient } = ctx;
  const address = contactAddress(notification.channel, recipient);
  if (!address) return false;
  await suppressAddress(deps.db, {
    channel: notification.channel,
    address,
    reason: "bounced",
    provider: err.provider,
    notificationId: notification.id,
    detail: { errorCode: err.code, stage: "send" },
  });
  return true;
}

/**
 * Records a failed attempt: FAILED (final or awaiting a retry) or, after the
 * last attempt, dead-lettered and DEAD. A throttled send is no failed
 * attempt, whichever attempt it was: the row keeps its status and retry count.
 */
export async function recordFailure(
  deps: WorkerDeps,
  ctx: SendContext,
  raw: unknown,
  at: AttemptInfo,
  takeRetry?: TakeRetry,
): Promise<DeliveryFailure> {
  const { notification } = ctx;
  const { id: notificationId, channel } = notification;
  const { attempt, maxAttempts } = at;
  const err = classify(raw);
  const detail = failureDetail(err, attempt);
  if (err.kind === "gone") {
    const gone = (raw as { deviceIds?: string[] }).deviceIds ?? [];
    await Promise.all(gone.map((id) => removeDeviceById(deps.db, id)));
  }
  if (err.kind !== "transient") {
    const suppressed = err.suppressesAddress && (await suppressRefusedAddress(deps, ctx, err));
    await transition(deps.db, notificationId, "FAILED", {
      set: {
        reason: (err.kind === "gone" ? "device_gone" : "permanent_error") satisfies FinalFailureReason,
        lastError: err.message.slice(0, 1000),
      },
      detail: { ...detail, final: true, ...(suppressed ? { addressSuppressed: true } : {}) },
    });
    return { kind: "permanent", error: err };
  }
  if (err.rateLimited) return { kind: "throttled", error: err };
  if (attempt >= maxAttempts) {
    // Dead-letter first, then mark DEAD: a crash in between re-runs the job,
    // which adds the same dead-letter job again (a no-op), never none. The id
    // is stable for this death (the row's last change), while a later death
    // after an operator's retry gets a new one.
    await deps.queues.add(
      "dead_letter",
      "dead",
      // Masked: Redis keeps this copy for a month, out of an erase's reach (see maskJobError).
      { notificationId, channel, error: scrubText(err.message).slice(0, 2000), attempts: attempt },
      { jobId: `dead-${notificationId}-${notification.updatedAt.getTime()}` },
    );
    await transition(deps.db, notificationId, "DEAD", {
      set: { reason: "retries_exhausted", lastError: err.message.slice(0, 1000) },
      detail,
    });
    return { kind: "dead", error: err };
  }
  if (takeRetry) {
    takeRetry(err);
    return { kind: "retry", error: err };
  }
  await transition(deps.db, notificationId, "FAILED", {
    incrementRetry: true,
    set: { lastError: err.message.slice(0, 1000) },
    detail,
  });
  return { kind: "retry", error: err };
}
