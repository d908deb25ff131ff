import type { NotificationRow, RecipientRow } from "@herald/db";
import { asDeliveryError, DeliveryError } from "@herald/errors";
import type { InFlightLog } from "../../reliability/in-flight-requests.ts";
import type { ChannelSender, SendContext, SendResult } from "../provider.ts";
import {
  accepted,
  type Failover,
  failoverDetail,
  noFailures,
  noteFailure,
  settled,
} from "./email-failover.ts";
import { buildEmailMessage, type EmailMessage, type EmailProvider } from "./email-message.ts";
import { type Pin, pinOf, sendPinned, sendPinnedBatch, unreachablePin } from "./pinned-requests.ts";

/** A notification as far as its e-mail goes: what {@link EmailSenderOptions.loadBatchRequest} returns. */
export interface EmailContext {
  notification: NotificationRow;
  /** Null for one whose recipient row is gone: its e-mail cannot be made. */
  recipient: RecipientRow | null;
}

export interface EmailSenderOptions {
  from: string;
  replyTo?: string | undefined;
  /**
   * Every notification an ambiguous batch request carried (the rows whose
   * `ambiguousBatchKey` is this key, whatever their status), for its retry
   * to send that request again exactly when Resend refuses fewer e-mails
   * under its key. Default: none, and such a retry stays ambiguous.
   */
  loadBatchRequest?: (batchKey: string) => Promise<EmailContext[]>;
}

/**
 * Tries `list` in order after the failures in `so`; throws the combined
 * error when all failed. An ambiguous failure stops the list: the provider
 * may have the message, and the next one would send a second copy.
 *
 * With `log`, each request is noted before it leaves. The note of one the
 * provider may have taken (accepted, or an ambiguous failure) stays for the
 * job to clear once the outcome is recorded: a worker dying before that
 * leaves it to the run taking the job over, which then keeps the e-mail with
 * that provider. Any other answer says the provider has nothing: its note goes.
 */
async function tryProviders(
  message: EmailMessage,
  list: EmailProvider[],
  so: Failover,
  log?: InFlightLog,
): Promise<SendResult> {
  const ids = [message.notificationId];
  for (const provider of list) {
    await log?.mark(ids, provider.name);
    try {
      const { messageId } = await settled(provider, () => provider.send(message), so);
      return accepted(provider, messageId, so);
    } catch (raw) {
      const err = asDeliveryError(provider.name, raw);
      if (!err.ambiguous) await log?.clear(ids);
      if (err.kind !== "transient") throw err;
      noteFailure(so, provider.name, err);
      if (err.ambiguous) break;
    }
  }
  const details = failoverDetail(so);
  const last = details[details.length - 1]!;
  const errors = so.failed.map((f) => f.err);
  const lastError = errors[errors.length - 1]!;
  // Wait as asked only if every provider asked; otherwise the normal schedule applies.
  const waits = errors.map((e) => e.retryAfterMs);
  const retryAfterMs = waits.every((w) => w !== undefined) ? Math.min(...(waits as number[])) : undefined;
  throw new DeliveryError("transient", details.map((f) => f.error).join("; "), {
    provider: last.provider,
    ...(last.code ? { code: last.code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    // One provider that is not throttled but failed (SMTP down) makes it an ordinary failed
    // attempt; so does an ambiguous end, which must be recorded (the provider kept on the row).
    rateLimited: !lastError.ambiguous && errors.every((e) => e.rateLimited),
    ambiguous: lastError.ambiguous,
    ...(lastError.requestKey !== undefined ? { requestKey: lastError.requestKey } : {}),
  });
}

/**
 * E-mail with provider failover (SPEC §5): providers are tried in order; a
 * transient failure (429, 503, a refused connection, a timeout before the
 * request was sent) moves on to the next one within the same attempt, a
 * permanent one stops at once. Only when every provider failed transiently
 * does the attempt count as failed (and retry); when every one of them was
 * rate-limited (429), the error is too, and the channel pauses instead.
 *
 * An `ambiguous` failure (the provider may have accepted the message: no
 * answer to a request that was sent, a 500/502/504 from Resend, Resend's
 * `concurrent_idempotent_requests`, SMTP silent after the message data)
 * never moves on to the next provider, which would send a second copy. A
 * provider that replays a repeated key (Resend) is asked once more right
 * away with the same key; its definitive answer is used, and any other
 * failure ends the attempt as a transient, ambiguous failure. The worker
 * then keeps the provider on the notification, and every later attempt
 * (after a restart, or an operator's retry, too) is pinned to it alone with
 * the same key until it answers conclusively (`pinned-requests.ts`).
 *
 * `sendMany` (a send batch's e-mails) goes to the first provider in batch
 * requests where it has them (Resend: 100 per request; its default limit is
 * a few requests a second, so one request per e-mail caps a team at a few
 * e-mails a second); a message that fails there transiently goes on to the
 * next providers on its own, unless the batch request's failure was
 * ambiguous. Pinned e-mails go to their provider: those of one ambiguous
 * batch request together, under its key.
 *
 * With more than one provider, each unpinned request is noted in the job's
 * `SendContext.inFlight` before it leaves (`notesInFlight`; a batch request
 * is one note of its e-mails and its key), so that a worker killed while a
 * provider may have the e-mail does not lead to a second copy through the
 * next provider: the run taking the job over pins it there (see
 * `inFlightLogOf`). Pinned requests are not noted: the row says it already.
 */
export function emailSender(providers: EmailProvider[], options: EmailSenderOptions): ChannelSender {
  if (providers.length === 0) throw new Error("emailSender needs at least one provider");
  const first = providers[0]!;
  const named = new Map(providers.map((p) => [p.name, p]));

  const messageOf = (ctx: EmailContext): EmailMessage => {
    const content = ctx.notification.content;
    if (content.channel !== "email") {
      throw new DeliveryError("permanent", `not e-mail content (${content.channel})`, {
        provider: first.name,
        code: "bad_content",
      });
    }
    if (!ctx.recipient?.email) {
      throw new DeliveryError("permanent", "recipient has no e-mail address", {
        provider: first.name,
        code: "no_destination",
      });
    }
    return buildEmailMessage(ctx.notification, ctx.recipient.email, content, options);
  };

  const loadBatchRequest = options.loadBatchRequest;
  const loadMessages = loadBatchRequest
    ? async (key: string) => {
        const rows = await loadBatchRequest(key);
        try {
          return rows.map(messageOf);
        } catch {
          // A row that no longer makes its e-mail (an erased recipient): the request cannot be rebuilt.
          return null;
        }
      }
    : undefined;

  // One provider has no failover to guard against: a re-run goes to it anyway, with the same key.
  const notes = providers.length > 1;
  const logOf = (ctx: SendContext) => (notes ? ctx.inFlight : undefined);

  const sendOne = (message: EmailMessage, so: Failover = noFailures(), log?: InFlightLog) =>
    tryProviders(message, so.failed.length > 0 ? providers.slice(1) : providers, so, log);

  /** Pinned e-mails of one provider (and batch request, if `pin.batchKey`): one answer each, in order. */
  async function sendToPin(pin: Pin, messages: EmailMessage[]): Promise<(SendResult | Error)[]> {
    const provider = named.get(pin.provider);
    if (!provider || (pin.batchKey && !provider.sendBatch)) return messages.map(() => unreachablePin(pin));
    if (pin.batchKey) return sendPinnedBatch(provider, messages, pin.batchKey, loadMessages);
    return Promise.all(
      messages.map((m) =>
        sendPinned(provider, m).catch((err: unknown) => asDeliveryError(provider.name, err)),
      ),
    );
  }

  /** A send batch's unpinned e-mails through the first provider's batch requests. */
  async function sendInBatches(
    sendBatch: NonNullable<EmailProvider["sendBatch"]>,
    ready: { i: number; message: EmailMessage }[],
    answers: (SendResult | Error)[],
    log: InFlightLog | undefined,
  ): Promise<void> {
    const parts: (typeof ready)[] = [];
    for (let k = 0; k < ready.length; k += requestBatchSize) parts.push(ready.slice(k, k + requestBatchSize));
    await Promise.all(
      parts.map(async (part) => {
        // The batch request's ambiguous first try, if any, for each of its e-mails' timeline.
        const request = noFailures();
        const messages = part.map((p) => p.message);
        const ids = messages.map((m) => m.notificationId);
        // Noted with the key it goes under: a run taking the job over retries this very request.
        const key = log ? first.batchKey?.(messages) : undefined;
        await log?.mark(ids, first.name, key);
        let got: ({ messageId: string } | DeliveryError)[];
        try {
          got = await settled(
            first,
            () => sendBatch(messages, key !== undefined ? { idempotencyKey: key } : undefined),
            request,
          );
        } catch (raw) {
          const err = asDeliveryError(first.name, raw);
          if (!err.ambiguous) await log?.clear(ids);
          got = part.map(() => err);
        }
        await Promise.all(
          part.map(async ({ i, message }, j) => {
            const answer = got[j] ?? new DeliveryError("transient", "no answer", { provider: first.name });
            if (!(answer instanceof Error)) answers[i] = accepted(first, answer.messageId, request);
            // An ambiguous one stays with this provider: the worker pins it there, under the request's key.
            else if (answer.kind !== "transient" || answer.ambiguous) answers[i] = answer;
            else {
              const so = noFailures();
              noteFailure(so, first.name, answer);
              answers[i] = await sendOne(message, so, log).catch((err: unknown) =>
                asDeliveryError(first.name, err),
              );
            }
          }),
        );
      }),
    );
  }

  /** A send batch's e-mails: pinned ones to their provider, the others in the first provider's batch requests. */
  async function sendMany(
    sendBatch: NonNullable<EmailProvider["sendBatch"]>,
    ctxs: SendContext[],
  ): Promise<(SendResult | Error)[]> {
    const answers: (SendResult | Error)[] = new Array(ctxs.length);
    const ready: { i: number; message: EmailMessage }[] = [];
    const pinned = new Map<string, { pin: Pin; items: { i: number; message: EmailMessage }[] }>();
    ctxs.forEach((ctx, i) => {
      let message: EmailMessage;
      try {
        message = messageOf(ctx);
      } catch (err) {
        answers[i] = err as Error;
        return;
      }
      const pin = pinOf(ctx.notification);
      if (!pin) {
        ready.push({ i, message });
        return;
      }
      const group = `${pin.provider}\u0000${pin.batchKey ?? ""}`;
      const entry = pinned.get(group) ?? { pin, items: [] };
      entry.items.push({ i, message });
      pinned.set(group, entry);
    });
    const log = ctxs.map(logOf).find(Boolean);
    await Promise.all([
      sendInBatches(sendBatch, ready, answers, log),
      ...[...pinned.values()].map(async ({ pin, items }) => {
        const got = await sendToPin(
          pin,
          items.map((x) => x.message),
        );
        items.forEach(({ i }, k) => {
          answers[i] = got[k]!;
        });
      }),
    ]);
    return answers;
  }

  const requestBatchSize = first.batchMax ?? 100;
  return {
    channel: "email",
    providers: providers.map((p) => p.name),
    ...(notes ? { notesInFlight: true } : {}),
    // `sendMany` only where the provider takes batches: otherwise a send batch delivers each
    // e-mail on its own and records it SENT as soon as it went, not after the slowest of them.
    ...(first.sendBatch
      ? {
          requestBatchSize,
          sendMany: (ctxs: SendContext[]) => sendMany(first.sendBatch!.bind(first), ctxs),
        }
      : {}),
    async send(ctx) {
      const message = messageOf(ctx);
      const pin = pinOf(ctx.notification);
      if (!pin) return sendOne(message, noFailures(), logOf(ctx));
      const [answer] = await sendToPin(pin, [message]);
      if (answer instanceof Error) throw answer;
      return answer!;
    },
    async close() {
      await Promise.all(providers.map((p) => p.close?.()));
    },
  };
}
