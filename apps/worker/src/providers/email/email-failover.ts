import { asDeliveryError, DeliveryError } from "@herald/errors";
import type { SendResult } from "../provider.ts";
import type { EmailProvider } from "./email-message.ts";

/** What the providers tried so far answered, in order: carried into the timeline and the final error. */
export interface Failover {
  failed: { provider: string; err: DeliveryError }[];
}

export const noFailures = (): Failover => ({ failed: [] });

export function noteFailure(so: Failover, provider: string, err: DeliveryError): void {
  so.failed.push({ provider, err });
}

/**
 * The timeline's `failover` detail: each provider answer that failed, in
 * order, with its code and (the start of) its message. An `ambiguous` one
 * was followed by the same provider again, never by the next one.
 */
export const failoverDetail = (so: Failover) =>
  so.failed.map(({ provider, err }) => ({
    provider,
    ...(err.code ? { code: err.code } : {}),
    ...(err.ambiguous ? { ambiguous: true } : {}),
    error: err.message.slice(0, 300),
  }));

/**
 * A provider's answer accepted, with what failed before it. `pinned`: the
 * attempt went to this provider alone because an earlier one may have left
 * the message with it.
 */
export const accepted = (
  provider: EmailProvider,
  messageId: string,
  so: Failover,
  pinned = false,
): SendResult => ({
  provider: provider.name,
  providerMessageId: messageId,
  ...(so.failed.length > 0 || pinned
    ? {
        detail: {
          ...(pinned ? { pinned: true } : {}),
          ...(so.failed.length > 0 ? { failover: failoverDetail(so) } : {}),
        },
      }
    : {}),
});

export interface StillAmbiguousOptions {
  /** The batch request's key, for the worker to keep (`DeliveryError.requestKey`). */
  requestKey?: string | undefined;
  /**
   * Keep a 429's `rateLimited` (the channel pauses and nothing is recorded).
   * Only once the row already holds its provider (a pinned attempt): the
   * attempt that first met the ambiguity must be recorded, or the next one
   * could fail over. Default false.
   */
  keepRateLimit?: boolean;
}

/**
 * A failure after an ambiguous one, or of an attempt pinned to the provider
 * an earlier one may have left the message with: a transient answer does not
 * prove that the earlier request was not taken, so it stays ambiguous (no
 * failover, the provider kept). A permanent one is final: had Resend taken
 * the earlier request, a same-key request would have got its answer back.
 */
export function stillAmbiguous(err: DeliveryError, options: StillAmbiguousOptions = {}): DeliveryError {
  if (err.kind !== "transient") return err;
  const requestKey = options.requestKey ?? err.requestKey;
  const rateLimited = options.keepRateLimit === true && err.rateLimited;
  if (err.ambiguous && err.requestKey === requestKey && err.rateLimited === rateLimited) return err;
  return new DeliveryError("transient", err.message, {
    provider: err.provider,
    ...(err.code ? { code: err.code } : {}),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    rateLimited,
    ambiguous: true,
    ...(requestKey !== undefined ? { requestKey } : {}),
    cause: err,
  });
}

/**
 * One request to one provider. When it failed ambiguously (the provider may
 * have accepted it) and the provider replays a repeated key
 * (`replaysByKey`), it is asked once more, at once: the same message
 * carries the same idempotency key, so a provider that did take it answers
 * with its first result, and one that did not sends it now. The first
 * failure is noted in `so`; a second failure is thrown, still ambiguous
 * unless permanent. A provider without replay (SMTP) is not asked again
 * here: that could well deliver a second copy; the retry schedule does,
 * later, to the same provider alone.
 */
export async function settled<T>(
  provider: EmailProvider,
  request: () => Promise<T>,
  so: Failover,
): Promise<T> {
  try {
    return await request();
  } catch (raw) {
    const first = asDeliveryError(provider.name, raw);
    if (!first.ambiguous || !provider.replaysByKey) throw first;
    noteFailure(so, provider.name, first);
    try {
      return await request();
    } catch (again) {
      throw stillAmbiguous(asDeliveryError(provider.name, again), { requestKey: first.requestKey });
    }
  }
}
