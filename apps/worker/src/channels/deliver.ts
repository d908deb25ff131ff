import {
  type DeviceRow,
  isDatabaseUnavailable,
  listDevices,
  markSent,
  markSentOverCancel,
  type SendContextRow,
  type SentRecord,
  transition,
} from "@herald/db";
import type { Channel, NotificationStatus, SuppressionReason } from "@herald/domain";
import type { WorkerDeps } from "../deps.ts";
import type { SendContext, SendResult } from "../providers/provider.ts";
import type { DatabaseGate } from "../reliability/database-gate.ts";
import type { InFlightLog } from "../reliability/in-flight-requests.ts";
import { retryWhileDatabaseDown } from "../reliability/retry-write.ts";
import type { SentWriter } from "../reliability/sent-writer.ts";
import { withdrawnReason } from "../router/decide-channels.ts";
import { withdrawIfReadElsewhere } from "./read-elsewhere.ts";
import { type DeliveryFailure, recordFailure, type TakeRetry } from "./record-failure.ts";
import { keepWhatWentOut } from "./sent-over-cancel.ts";

/** Statuses in which a send job still has work to do. Anything else was sent, canceled or suppressed meanwhile. */
const SENDABLE = new Set<NotificationStatus>(["PENDING", "SCHEDULED", "QUEUED", "FAILED", "DEAD"]);

export type SendOutcome =
  | { status: "SENT"; provider: string }
  /**
   * Nothing to send: the row was sent, canceled or suppressed meanwhile.
   * `lateFailure`: this attempt did call the provider, and failed after the
   * row was recorded `current` by someone else (`ignoreLateFailure`).
   */
  | { status: "SKIPPED"; current: NotificationStatus; lateFailure?: true }
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
  /**
   * A previous run was cut off (its worker died) and may have reached the
   * provider. Not set by a put-back for a PostgreSQL outage: that re-run
   * reads the job's in-flight notes (`cutOffBefore`), but does not ask the
   * provider first (`looksUpFirst`), as put-backs come in bulk and mostly
   * before any provider was called.
   */
  interrupted: boolean;
}

export type DeliveryOutcome = SendOutcome | { status: "FAILED"; failure: DeliveryFailure };

export interface DeliverOptions extends RecordOptions {
  /** Statuses worth sending (default: every status a retry may find). */
  sendable?: ReadonlySet<NotificationStatus>;
  takeRetry?: TakeRetry;
  /** Push devices of a batch's recipients, loaded together (a recipient absent has none). Default: one query. */
  devices?: ReadonlyMap<string, DeviceRow[]>;
  /**
   * The job's log of provider requests in flight (`inFlightLogOf`), handed to
   * the sender in its `SendContext`. The caller clears it once the outcome is
   * recorded. Default: none.
   */
  inFlight?: InFlightLog;
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
 * Statuses a notification waits to be sent in: every sendable one but DEAD (which never becomes
 * SUPPRESSED). The send withdraws from any of them, not only
 * the one it loaded: a reschedule to now can record QUEUED between the load and this write (its
 * job firing at its own time meanwhile), and a withdrawal from SCHEDULED alone would then leave
 * the row QUEUED with its job done: never sent, never suppressed.
 */
const WAITING = [...SENDABLE].filter((s) => s !== "DEAD");

/**
 * Records SUPPRESSED, with the router's reason, a notification the recipient
 * no longer wants (`withdrawnReason`), or an escalation's held one whose
 * siblings the recipient read meanwhile (`read_elsewhere`); null when it may
 * go. The row moves only while it still waits to be sent: one canceled or
 * sent meanwhile is left as it is, and so is a DEAD one (DEAD never becomes
 * SUPPRESSED; an operator's retry moves it back to QUEUED first): either way
 * nothing is sent.
 */
async function withdrawIfUnwanted(deps: WorkerDeps, loaded: SendContextRow): Promise<SendOutcome | null> {
  const { notification } = loaded;
  const reason = withdrawnReason(notification, loaded.prefs, loaded.contactSuppressed, deps.env.policy.optIn);
  if (!reason) {
    const read = await withdrawIfReadElsewhere(deps, notification, WAITING);
    return read ? { status: "SUPPRESSED", reason: "read_elsewhere" } : null;
  }
  const moved = await transition(deps.db, notification.id, "SUPPRESSED", {
    from: WAITING,
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
  return {
    notification,
    recipient,
    devices,
    attempt: at.attempt,
    ...(options.inFlight ? { inFlight: options.inFlight } : {}),
  };
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
      failure: await recordFailure(deps, ctx, answer.error, at, options.takeRetry),
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
  const record: SentRecord = {
    id: notificationId,
    provider: result.provider,
    providerMessageId: result.providerMessageId,
    sentAt,
    detail,
  };
  const overCancel = await retryWhileDatabaseDown(
    async () => {
      const moved = options.sentWriter
        ? await options.sentWriter.write(record)
        : (await markSent(deps.db, [record])).has(notificationId);
      // Not moved: sent already (a job taken over), or canceled while the provider had it.
      return !moved && (await markSentOverCancel(deps.db, record));
    },
    {
      deadlineMs: deps.env.reliability.statusWriteRetryMs,
      logger: deps.logger,
      what: `SENT ${notificationId}`,
      ...(options.gate ? { gate: options.gate } : {}),
    },
  );
  if (overCancel) await keepWhatWentOut(deps, notification, sentAt);
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
