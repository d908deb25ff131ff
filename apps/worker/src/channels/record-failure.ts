import {
  contactAddress,
  getNotification,
  type NotificationRow,
  removeDeviceById,
  suppressAddress,
  transition,
} from "@herald/db";
import { type FinalFailureReason, type NotificationStatus, statusesInto } from "@herald/domain";
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
  | { kind: "throttled"; error: DeliveryError }
  /**
   * Failed after the row was recorded `current` by someone else (see
   * `ignoreLateFailure`): only noted. The job ends without a retry.
   */
  | { kind: "superseded"; error: DeliveryError; current: NotificationStatus };

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
 * What an ambiguous failure leaves on the row (`ambiguous_provider`, and the
 * batch request's key): every later attempt, after a restart or an
 * operator's retry too, goes to that provider alone, with the same key. It
 * rides on the FAILED or DEAD write that records the attempt anyway, so a
 * send costs no query of its own for it. Never cleared: see the column.
 */
export function ambiguousFields(err: DeliveryError) {
  if (!err.ambiguous) return {};
  return {
    ambiguousProvider: err.provider,
    ...(err.requestKey !== undefined ? { ambiguousBatchKey: err.requestKey } : {}),
  };
}

/**
 * Statuses a failed attempt may still be recorded over: the state machine's
 * ways into FAILED (PENDING, SCHEDULED, QUEUED, FAILED, DEAD). No transition
 * leads from any other status back into one of them, so a row outside them
 * stays outside.
 */
const FAILABLE: ReadonlySet<NotificationStatus> = new Set(statusesInto("FAILED"));

/**
 * Whether a failure arriving now is late for a row in `status`: it was
 * recorded SENT (or later: DELIVERED, READ, BOUNCED…), canceled, suppressed
 * or digested meanwhile, and no failure may be recorded over it.
 */
export const isSettled = (status: NotificationStatus): boolean => !FAILABLE.has(status);

/** The row's status if it is settled, else null (also for a row that is gone). */
async function settledStatus(deps: WorkerDeps, id: string): Promise<NotificationStatus | null> {
  const row = await getNotification(deps.db, id);
  return row && isSettled(row.status) ? row.status : null;
}

/**
 * A failed attempt that ended after the row was recorded `current` by
 * someone else: Twilio's status callback recorded SENT while the create call
 * still waited for its answer (which then timed out), or the event was
 * canceled meanwhile. The failure changes nothing: no FAILED or DEAD, no
 * retry, no dead letter and so no ops alert. A timeline entry marked
 * `ignored` and a warning say that it happened and why it was ignored.
 */
export async function ignoreLateFailure(
  deps: WorkerDeps,
  notification: NotificationRow,
  err: DeliveryError,
  attempt: number,
  current: NotificationStatus,
): Promise<DeliveryFailure> {
  const { id: notificationId, channel } = notification;
  // `current` is settled, so this transition cannot move the row: it only adds the entry.
  await transition(deps.db, notificationId, "FAILED", {
    detail: failureDetail(err, attempt),
    recordIgnored: true,
    unmovedDetail: { ignored: true, lateFailure: true, current },
  });
  deps.logger.warn(
    { notificationId, channel, current, attempt, provider: err.provider, code: err.code },
    "send failed after the notification was recorded by someone else: failure ignored",
  );
  return { kind: "superseded", error: err, current };
}

/** After a failure write that did not move the row: late if the row is settled, else `otherwise`. */
async function lateOr(
  deps: WorkerDeps,
  notification: NotificationRow,
  err: DeliveryError,
  attempt: number,
  otherwise: DeliveryFailure,
): Promise<DeliveryFailure> {
  const current = await settledStatus(deps, notification.id);
  return current ? ignoreLateFailure(deps, notification, err, attempt, current) : otherwise;
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
 * attempt, whichever attempt it was: the row keeps its status and retry
 * count. A row settled meanwhile (SENT by a status callback, canceled…) is
 * left as it is (`ignoreLateFailure`).
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
    const moved = await transition(deps.db, notificationId, "FAILED", {
      set: {
        reason: (err.kind === "gone" ? "device_gone" : "permanent_error") satisfies FinalFailureReason,
        lastError: err.message.slice(0, 1000),
      },
      detail: { ...detail, final: true, ...(suppressed ? { addressSuppressed: true } : {}) },
    });
    const failure: DeliveryFailure = { kind: "permanent", error: err };
    return moved ? failure : lateOr(deps, notification, err, attempt, failure);
  }
  if (err.rateLimited) return { kind: "throttled", error: err };
  if (attempt >= maxAttempts) {
    // Looked at first: a row SENT since (Twilio's callback overtook a create call that then
    // timed out) or canceled is no dead letter, and must not wake ops up.
    const current = await settledStatus(deps, notificationId);
    if (current) return ignoreLateFailure(deps, notification, err, attempt, current);
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
    const dead = await transition(deps.db, notificationId, "DEAD", {
      // Kept for an operator's retry, which must not go elsewhere either.
      set: { reason: "retries_exhausted", lastError: err.message.slice(0, 1000), ...ambiguousFields(err) },
      detail,
    });
    // Settled in between: its dead-letter job finds it so and drops it (`handleDeadLetter`).
    const failure: DeliveryFailure = { kind: "dead", error: err };
    return dead ? failure : lateOr(deps, notification, err, attempt, failure);
  }
  if (takeRetry) {
    // The batch looks at its retries' rows together before handing them over (`dropLateRetries`).
    takeRetry(err);
    return { kind: "retry", error: err };
  }
  const moved = await transition(deps.db, notificationId, "FAILED", {
    incrementRetry: true,
    set: { lastError: err.message.slice(0, 1000), ...ambiguousFields(err) },
    detail,
  });
  const failure: DeliveryFailure = { kind: "retry", error: err };
  return moved ? failure : lateOr(deps, notification, err, attempt, failure);
}
