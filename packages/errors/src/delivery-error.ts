/**
 * - `permanent`: retrying cannot help (invalid address, 4xx other than 429,
 *   push subscription gone). The notification fails at once.
 * - `transient`: 5xx, timeouts, 429, connection errors. Retried on the
 *   channel's schedule; the next provider in the failover list is tried first,
 *   unless the provider may have accepted the message (`ambiguous`), in which
 *   case this and every later attempt stay with that provider. A 429
 *   for the account (`rateLimited`) pauses the channel instead of using up an
 *   attempt.
 * - `gone`: the push target no longer exists; permanent, and the device is removed.
 */
export type DeliveryErrorKind = "permanent" | "transient" | "gone";

export interface DeliveryErrorOptions {
  provider: string;
  /** Provider's own error code or HTTP status, for logs, metrics and the timeline. */
  code?: string;
  /** How long the provider asked us to wait (429 Retry-After), in ms. */
  retryAfterMs?: number;
  /**
   * The provider refused because our account sends too fast (its 429 Too
   * Many Requests, or its code for it): every send through it would be
   * refused alike, so the channel pauses (`retryAfterMs`, or a second) and
   * the send is not a failed attempt. Only for a limit on the account, not on
   * one recipient or device (an APNs or web push 429). Default false.
   */
  rateLimited?: boolean;
  /**
   * The provider may have accepted the message although it did not say so:
   * the request was written and then the answer never came or came broken
   * (a timeout, a reset, a cut-off body), or the provider reported the same
   * idempotency key still being processed (Resend's
   * `concurrent_idempotent_requests`). Only for `transient` errors. Another
   * provider must not be tried for such a message, since both might deliver
   * it; the same provider is asked again with the same idempotency key, which
   * answers with the first result if there was one. Default false: the
   * provider refused, or provably never received the request (connection
   * refused, DNS failure, a timeout before anything was written).
   * The worker records the provider on the notification, so that every later
   * attempt goes to it alone (see `requestKey`).
   */
  ambiguous?: boolean;
  /**
   * The provider says the address itself will never take messages on this
   * channel (Twilio 21610: the number replied STOP; an invalid or landline
   * number): the worker adds it to the suppression list, so later
   * notifications to it are SUPPRESSED `bounced_address` instead of being
   * sent and refused again. Only for `permanent` errors, and only on the
   * provider's own word (not a check of ours before calling it). Default false.
   */
  suppressesAddress?: boolean;
  /**
   * For an `ambiguous` failure of a request that held several messages (a
   * Resend batch): that request's idempotency key, which every later attempt
   * of its messages reuses. Absent when the key is the notification id.
   */
  requestKey?: string;
  cause?: unknown;
}

/** A provider send failure, classified so workers know whether to retry. */
export class DeliveryError extends Error {
  readonly kind: DeliveryErrorKind;
  readonly provider: string;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly rateLimited: boolean;
  readonly ambiguous: boolean;
  readonly suppressesAddress: boolean;
  readonly requestKey?: string;

  constructor(kind: DeliveryErrorKind, message: string, options: DeliveryErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "DeliveryError";
    this.kind = kind;
    this.provider = options.provider;
    if (options.code !== undefined) this.code = options.code;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.rateLimited = options.rateLimited ?? false;
    this.ambiguous = kind === "transient" && (options.ambiguous ?? false);
    this.suppressesAddress = kind === "permanent" && (options.suppressesAddress ?? false);
    if (this.ambiguous && options.requestKey !== undefined) this.requestKey = options.requestKey;
  }

  get retryable(): boolean {
    return this.kind === "transient";
  }
}

export function isDeliveryError(err: unknown): err is DeliveryError {
  return err instanceof DeliveryError;
}

/**
 * What a provider call threw, as a `DeliveryError`: one already is, and
 * anything else (an SDK's own error, a bug) counts as transient, its message
 * prefixed with the provider's name.
 */
export function asDeliveryError(provider: string, err: unknown): DeliveryError {
  return isDeliveryError(err)
    ? err
    : new DeliveryError("transient", `${provider}: ${(err as Error)?.message ?? String(err)}`, {
        provider,
        cause: err,
      });
}
