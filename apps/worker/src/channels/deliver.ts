import {
  type DeviceRow,
  isDatabaseUnavailable,
  listDevices,
  type NotificationRow,
  removeDeviceById,
  type SendContextRow,
  transition,
} from "@herald/db";
import type { Channel, FinalFailureReason, NotificationStatus, SuppressionReason } from "@herald/domain";
import { DeliveryError, isDeliveryError } from "@herald/errors";
import { scrubText } from "@herald/logger";
import type { WorkerDeps } from "../deps.ts";
import type { SendContext, SendResult } from "../providers/provider.ts";
import type { DatabaseGate } from "../reliability/database-gate.ts";
import { retryWhileDatabaseDown } from "../reliability/retry-write.ts";
import type { SentWriter } from "../reliability/sent-writer.ts";
import { withdrawnReason } from "../router/decide-channels.ts";

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
  | { status: "SKIPPED"; current: NotificationStatus }
  /** Opted out or bounced since it was routed: recorded SUPPRESSED, the provider not called. */
  | { status: "SUPPRESSED"; reason: SuppressionReason };

/** How a delivery records its outcome. */
export interface RecordOptions {
  /** Told when PostgreSQL is unreachable (the process then pauses its consumers). */
  gate?: DatabaseGate;
  /**
   * Batches SENT writes on connections of their own. Between the provider's
   * answer and that write a crash means a resend, so the write must neither
   * queue behind other jobs' reads nor wait for a round trip of its own.
   * Default: a plain `transition` on `deps.db`.
   */
  sentWriter?: SentWriter;
}

/** Which attempt this is, counted across a batch's try and the notification's own job. */
export interface AttemptInfo {
  attempt: number;
  maxAttempts: number;
  /** A previous run was cut off (its worker died) and may have reached the provider. */
  interrupted: boolean;
}

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

export type DeliveryOutcome = SendOutcome | { status: "FAILED"; failure: DeliveryFailure };

/**
 * Takes a send that failed for now (not on its last attempt) instead of
 * recording it: a batch gathers them and hands them to one retry batch
 * (`handOverRetries`), which puts that job in place before the rows say
 * FAILED, so that no crash can leave a FAILED row that nothing will retry.
 */
export type TakeRetry = (error: DeliveryError) => void;

export interface DeliverOptions extends RecordOptions {
  /** Statuses worth sending (default: every status a retry may find). */
  sendable?: ReadonlySet<NotificationStatus>;
  takeRetry?: TakeRetry;
  /** Push devices of a batch's recipients, loaded together (a recipient absent has none). Default: one query. */
  devices?: ReadonlyMap<string, DeviceRow[]>;
}

/**
 * Whether this attempt follows a run cut off after it may have reached the
 * provider, and the channel's sender can tell: the provider is then asked
 * first (`findSent`), one notification at a time.
 */
export function looksUpFirst(deps: WorkerDeps, channel: Channel, at: AttemptInfo): boolean {
  return at.interrupted && deps.env.reliability.recoveryLookup && !!deps.senders[channel].findSent;
}

/**
 * Records SUPPRESSED, with the router's reason, a notification the recipient
 * no longer wants (`withdrawnReason`); null when it may go. The row moves
 * only from the status it was loaded in: one canceled or sent meanwhile is
 * left as it is, and so is a DEAD one an operator's retry sent back (DEAD
 * never becomes SUPPRESSED): either way nothing is sent.
 */
async function withdrawIfUnwanted(deps: WorkerDeps, loaded: SendContextRow): Promise<SendOutcome | null> {
  const { notification } = loaded;
  const reason = withdrawnReason(notification, loaded.prefs, loaded.contactSuppressed);
  if (!reason) return null;
  const moved = await transition(deps.db, notification.id, "SUPPRESSED", {
    from: [notification.status],
    set: { reason },
    // `stage` tells support it was routed, then withdrawn at send time.
    detail: { reason, stage: "send" },
  });
  return moved ? { status: "SUPPRESSED", reason } : { status: "SKIPPED", current: notification.status };
}

/**
 * Before the provider: a notification already SENT (or canceled,
 * suppressed…) is left alone, one whose recipient was erased fails, and one
 * the recipient opted out of, or whose address bounced, since it was routed
 * is suppressed (`withdrawIfUnwanted`; after a cut-off run that may have
 * reached the provider, `deliver` asks the provider first). Returns what
 * the provider needs, or the outcome when there is nothing to send.
 */
export async function prepareDelivery(
  deps: WorkerDeps,
  channel: Channel,
  loaded: SendContextRow,
  at: AttemptInfo,
  options: DeliverOptions = {},
): Promise<SendContext | DeliveryOutcome> {
  const { notification, recipient } = loaded;
  if (!(options.sendable ?? SENDABLE).has(notification.status))
    return { status: "SKIPPED", current: notification.status };
  if (!recipient || recipient.erasedAt) {
    await transition(deps.db, notification.id, "FAILED", {
      set: { reason: "recipient_erased", lastError: "recipient erased" },
      detail: { error: "recipient erased" },
    });
    return { status: "FAILED", failure: { kind: "erased" } };
  }
  if (!looksUpFirst(deps, channel, at)) {
    const withdrawn = await withdrawIfUnwanted(deps, loaded);
    if (withdrawn) return withdrawn;
  }
  const devices =
    channel !== "push"
      ? []
      : options.devices
        ? (options.devices.get(recipient.id) ?? [])
        : await listDevices(deps.db, recipient.id);
  return { notification, recipient, devices, attempt: at.attempt };
}

export const isSendContext = (p: SendContext | DeliveryOutcome): p is SendContext => "notification" in p;

/**
 * After the provider: records SENT (retried through a database outage,
 * `STATUS_WRITE_RETRY_MS`, so a blip does not cause a resend) or the failure
 * (classified: permanent ones fail at once, transient ones await a retry,
 * the last attempt's go to the dead-letter queue). PostgreSQL being
 * unreachable is not the provider's failure: such an error is rethrown untouched.
 */
export async function finishDelivery(
  deps: WorkerDeps,
  ctx: SendContext,
  answer: { result: SendResult } | { error: unknown },
  at: AttemptInfo,
  options: DeliverOptions = {},
): Promise<DeliveryOutcome> {
  const { notification } = ctx;
  const notificationId = notification.id;
  if ("error" in answer) {
    if (isDatabaseUnavailable(answer.error)) throw answer.error;
    return {
      status: "FAILED",
      failure: await recordFailure(deps, notification, answer.error, at, options.takeRetry),
    };
  }
  const { result } = answer;
  const sentAt = deps.now();
  const detail = {
    provider: result.provider,
    providerMessageId: result.providerMessageId,
    attempt: at.attempt,
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
  const channel = notification.channel;
  await deps.senders[channel]
    .afterSent?.(ctx, result)
    .catch((err: Error) =>
      deps.logger.warn({ notificationId, channel, err: err.message }, "after-send step failed"),
    );
  return { status: "SENT", provider: result.provider };
}

/**
 * One attempt at one loaded notification, whoever holds it (a `send` job or
 * a `send_batch` job): prepared, handed to the channel's provider (or, after
 * a cut-off run, first asked whether the provider already has it), recorded.
 */
export async function deliver(
  deps: WorkerDeps,
  channel: Channel,
  loaded: SendContextRow,
  at: AttemptInfo,
  options: DeliverOptions = {},
): Promise<DeliveryOutcome> {
  const ctx = await prepareDelivery(deps, channel, loaded, at, options);
  if (!isSendContext(ctx)) return ctx;
  const sender = deps.senders[channel];
  let prior: SendResult | null = null;
  if (looksUpFirst(deps, channel, at)) {
    try {
      prior = await sender.findSent!(ctx);
    } catch (error) {
      return finishDelivery(deps, ctx, { error }, at, options);
    }
    // Re-checked only now: a message the cut-off run did send is recorded SENT, not SUPPRESSED.
    const withdrawn = prior ? null : await withdrawIfUnwanted(deps, loaded);
    if (withdrawn) return withdrawn;
  }
  let answer: { result: SendResult } | { error: unknown };
  try {
    answer = { result: prior ?? (await sender.send(ctx)) };
  } catch (error) {
    answer = { error };
  }
  return finishDelivery(deps, ctx, answer, at, options);
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
 * Records a failed attempt: FAILED (final or awaiting a retry) or, after the
 * last attempt, dead-lettered and DEAD. A throttled send is no failed
 * attempt, whichever attempt it was: the row keeps its status and retry count.
 */
async function recordFailure(
  deps: WorkerDeps,
  notification: NotificationRow,
  raw: unknown,
  at: AttemptInfo,
  takeRetry?: TakeRetry,
): Promise<DeliveryFailure> {
  const { id: notificationId, channel } = notification;
  const { attempt, maxAttempts } = at;
  const err = classify(raw);
  const detail = failureDetail(err, attempt);
  if (err.kind === "gone") {
    const gone = (raw as { deviceIds?: string[] }).deviceIds ?? [];
    await Promise.all(gone.map((id) => removeDeviceById(deps.db, id)));
  }
  if (err.kind !== "transient") {
    await transition(deps.db, notificationId, "FAILED", {
      set: {
        reason: (err.kind === "gone" ? "device_gone" : "permanent_error") satisfies FinalFailureReason,
        lastError: err.message.slice(0, 1000),
      },
      detail: { ...detail, final: true },
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
