import type { NotificationRow } from "@herald/db";
import { asDeliveryError, DeliveryError } from "@herald/errors";
import type { SendResult } from "../provider.ts";
import {
  accepted,
  type Failover,
  noFailures,
  noteFailure,
  settled,
  stillAmbiguous,
} from "./email-failover.ts";
import type { EmailMessage, EmailProvider } from "./email-message.ts";

/**
 * The provider an earlier attempt may have left a notification with (its
 * answer was ambiguous), and that request's key if it was a batch request.
 * Null for a notification no provider may hold.
 */
export interface Pin {
  provider: string;
  batchKey: string | null;
}

export const pinOf = (n: NotificationRow): Pin | null =>
  n.ambiguousProvider ? { provider: n.ambiguousProvider, batchKey: n.ambiguousBatchKey } : null;

/**
 * Every e-mail of an ambiguous batch request, rebuilt from its rows; null
 * when one can no longer be. Throws what reading the rows threw.
 */
export type LoadBatchRequest = (batchKey: string) => Promise<EmailMessage[] | null>;

/** The answer to a pinned attempt that could not be made at all: nobody else may send it either. */
export const unreachablePin = (pin: Pin) =>
  new DeliveryError(
    "transient",
    `${pin.provider}: an earlier attempt may have left this e-mail with ${pin.provider}, which is not configured (or takes no batch request) now; no other provider may send it`,
    {
      provider: pin.provider,
      code: "pinned_provider_missing",
      ambiguous: true,
      ...(pin.batchKey ? { requestKey: pin.batchKey } : {}),
    },
  );

/**
 * An attempt pinned to the provider an earlier one may have left the
 * message with: that provider alone, with the same key (the notification
 * id), asked again at once if ambiguous again. A transient failure stays
 * ambiguous (no answer proves the earlier request was not taken), so the
 * next attempt is pinned too; a 429 still pauses the channel, since the row
 * already holds its provider.
 */
export async function sendPinned(provider: EmailProvider, message: EmailMessage): Promise<SendResult> {
  const so = noFailures();
  try {
    const { messageId } = await settled(provider, () => provider.send(message), so);
    return accepted(provider, messageId, so, true);
  } catch (raw) {
    throw stillAmbiguous(asDeliveryError(provider.name, raw), { keepRateLimit: true });
  }
}

type BatchAnswer = { messageId: string } | DeliveryError;

const sameMessages = (a: EmailMessage[], b: EmailMessage[]) => {
  const ids = new Set(a.map((m) => m.notificationId));
  return a.length === b.length && b.every((m) => ids.has(m.notificationId));
};

/**
 * Resend refused a batch key with fewer e-mails (`invalid_idempotent_request`:
 * the key was used with another payload), which proves it processed the
 * original request, these e-mails included. That request, rebuilt from every
 * row that carried it (canceled ones too), is sent again with its key:
 * Resend replays its answer, sends nothing, and each e-mail gets its id.
 * When it cannot be rebuilt as it was (a recipient erased or re-addressed
 * since), or is refused too, the e-mails stay ambiguous: retried, and in the
 * end dead-lettered, never sent under another key.
 */
async function replayOriginal(
  provider: EmailProvider,
  messages: EmailMessage[],
  key: string,
  original: EmailMessage[] | null,
  so: Failover,
): Promise<BatchAnswer[]> {
  const stuck = new DeliveryError(
    "transient",
    `${provider.name}: the batch request ${key} was processed with other e-mails than this retry holds, and cannot be sent again as it was: these e-mails may have gone out (Resend keeps the key for 24 hours)`,
    { provider: provider.name, code: "invalid_idempotent_request", ambiguous: true, requestKey: key },
  );
  if (!original || sameMessages(original, messages)) return messages.map(() => stuck);
  let got: BatchAnswer[];
  try {
    got = await settled(provider, () => provider.sendBatch!(original, { idempotencyKey: key }), so);
  } catch (raw) {
    if (asDeliveryError(provider.name, raw).code === "invalid_idempotent_request")
      return messages.map(() => stuck);
    throw raw;
  }
  const byId = new Map(original.map((m, k) => [m.notificationId, got[k]] as const));
  return messages.map((m) => {
    const answer = byId.get(m.notificationId) ?? stuck;
    return answer instanceof DeliveryError && answer.code === "invalid_idempotent_request" ? stuck : answer;
  });
}

/**
 * The e-mails of one ambiguous batch request that this attempt still sends
 * (some may have been canceled or suppressed since), as one request with
 * that request's key, to the provider alone. Resend then either replays its
 * first answer (it had taken the request, these e-mails exactly) or sends
 * them now (it never had it). The third case, a key it processed with more
 * e-mails, is {@link replayOriginal}'s. Never sends under another key: Resend
 * would take that as new e-mails. One answer per message, in order.
 */
export async function sendPinnedBatch(
  provider: EmailProvider,
  messages: EmailMessage[],
  key: string,
  load: LoadBatchRequest | undefined,
): Promise<(SendResult | Error)[]> {
  const so = noFailures();
  const failAll = (raw: unknown) => {
    const final = stillAmbiguous(asDeliveryError(provider.name, raw), {
      requestKey: key,
      keepRateLimit: true,
    });
    return messages.map(() => final);
  };
  let got: BatchAnswer[];
  try {
    got = await settled(provider, () => provider.sendBatch!(messages, { idempotencyKey: key }), so);
  } catch (raw) {
    const err = asDeliveryError(provider.name, raw);
    if (err.code !== "invalid_idempotent_request") return failAll(err);
    noteFailure(so, provider.name, err);
    let original: EmailMessage[] | null;
    try {
      original = load ? await load(key) : null;
    } catch (unloaded) {
      // PostgreSQL, not the provider, failed: handed back as it is, for the worker to put the job back.
      return messages.map(() => unloaded as Error);
    }
    try {
      got = await replayOriginal(provider, messages, key, original, so);
    } catch (again) {
      return failAll(again);
    }
  }
  return got.map((answer) =>
    answer instanceof DeliveryError
      ? stillAmbiguous(answer, { requestKey: key })
      : accepted(provider, answer.messageId, so, true),
  );
}
