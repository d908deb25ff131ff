import { DeliveryError, isDeliveryError } from "@herald/errors";
import type { ChannelSender, SendContext, SendResult } from "../provider.ts";
import { buildEmailMessage, type EmailMessage, type EmailProvider } from "./email-message.ts";

export interface EmailSenderOptions {
  from: string;
  replyTo?: string | undefined;
}

const asDeliveryError = (provider: string, err: unknown) =>
  isDeliveryError(err)
    ? err
    : new DeliveryError("transient", `${provider}: ${(err as Error)?.message ?? String(err)}`, {
        provider,
        cause: err,
      });

/** What the providers tried so far answered, in order: carried into the timeline and the final error. */
interface Failover {
  failed: { provider: string; err: DeliveryError }[];
}

const noFailures = (): Failover => ({ failed: [] });

function noteFailure(so: Failover, provider: string, err: DeliveryError): void {
  so.failed.push({ provider, err });
}

/**
 * The timeline's `failover` detail: each provider answer that failed, in
 * order, with its code and (the start of) its message. An `ambiguous` one
 * was followed by the same provider again, never by the next one.
 */
const failoverDetail = (so: Failover) =>
  so.failed.map(({ provider, err }) => ({
    provider,
    ...(err.code ? { code: err.code } : {}),
    ...(err.ambiguous ? { ambiguous: true } : {}),
    error: err.message.slice(0, 300),
  }));

/**
 * A failure after an ambiguous one: a transient answer to the same-key retry
 * does not prove the first request was not taken, so it stays ambiguous (no
 * failover). A permanent one is definitive: had Resend taken the first, the
 * retry would have got its answer back.
 */
const stillAmbiguous = (err: DeliveryError) =>
  err.kind !== "transient" || err.ambiguous
    ? err
    : new DeliveryError("transient", err.message, {
        provider: err.provider,
        ...(err.code ? { code: err.code } : {}),
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
        rateLimited: err.rateLimited,
        ambiguous: true,
        cause: err,
      });

/**
 * One request to one provider. When it failed ambiguously (the provider may
 * have accepted it) and the provider replays a repeated key
 * (`replaysByKey`), it is asked once more, at once: the same message
 * carries the same idempotency key, so a provider that did take it answers
 * with its first result, and one that did not sends it now. The first
 * failure is noted in `so`; a second failure is thrown, still ambiguous
 * unless permanent. A provider without replay (SMTP) is not asked again
 * here: that could well deliver a second copy; the retry schedule does.
 */
async function settled<T>(provider: EmailProvider, request: () => Promise<T>, so: Failover): Promise<T> {
  try {
    return await request();
  } catch (raw) {
    const first = asDeliveryError(provider.name, raw);
    if (!first.ambiguous || !provider.replaysByKey) throw first;
    noteFailure(so, provider.name, first);
    try {
      return await request();
    } catch (again) {
      throw stillAmbiguous(asDeliveryError(provider.name, again));
    }
  }
}

/**
 * E-mail with provider failover (SPEC §5): providers are tried in order; a
 * transient failure (5xx, 429, a refused connection, a timeout before the
 * request was sent) moves on to the next one within the same attempt, a
 * permanent one stops at once. Only when every provider failed transiently
 * does the attempt count as failed (and retry); when every one of them was
 * rate-limited (429), the error is too, and the channel pauses instead.
 *
 * An `ambiguous` failure (the provider may have accepted the message: no
 * answer to a request that was sent, a 500/502/504 from Resend, Resend's
 * `concurrent_idempotent_requests`, SMTP silent after the message data)
 * never moves on to the next provider, which would send a second copy. A
 * provider that replays a repeated key (Resend answers a request it already
 * processed with the same id) is asked once more right away with the same
 * key; its definitive answer is used, and any other failure ends the attempt
 * as a transient failure without failover, so the retry schedule asks the
 * same provider again later with the same key (and SMTP with the same
 * Message-ID).
 *
 * `sendMany` (a send batch's e-mails) goes to the first provider in batch
 * requests where it has them (Resend: 100 per request; its default limit is
 * a few requests a second, so one request per e-mail caps a team at a few
 * e-mails a second); a message that fails there transiently goes on to the
 * next providers on its own, unless the batch request's failure was
 * ambiguous (retried once with the same key first, as above).
 */
export function emailSender(providers: EmailProvider[], options: EmailSenderOptions): ChannelSender {
  if (providers.length === 0) throw new Error("emailSender needs at least one provider");
  const first = providers[0]!;

  const messageOf = (ctx: SendContext): EmailMessage => {
    const content = ctx.notification.content;
    if (content.channel !== "email") {
      throw new DeliveryError("permanent", `not e-mail content (${content.channel})`, {
        provider: first.name,
        code: "bad_content",
      });
    }
    if (!ctx.recipient.email) {
      throw new DeliveryError("permanent", "recipient has no e-mail address", {
        provider: first.name,
        code: "no_destination",
      });
    }
    return buildEmailMessage(ctx, content, options);
  };

  /** Tries `list` in order after the failures in `so`; throws the combined error when all failed. */
  async function tryProviders(
    message: EmailMessage,
    list: EmailProvider[],
    so: Failover,
  ): Promise<SendResult> {
    for (const provider of list) {
      try {
        const { messageId } = await settled(provider, () => provider.send(message), so);
        return accepted(provider, messageId, so);
      } catch (raw) {
        const err = asDeliveryError(provider.name, raw);
        if (err.kind !== "transient") throw err;
        noteFailure(so, provider.name, err);
        // The provider may have it: the next one would send a second copy.
        if (err.ambiguous) break;
      }
    }
    const details = failoverDetail(so);
    const last = details[details.length - 1]!;
    const errors = so.failed.map((f) => f.err);
    // Wait as asked only if every provider asked; otherwise the normal schedule applies.
    const waits = errors.map((e) => e.retryAfterMs);
    const retryAfterMs = waits.every((w) => w !== undefined) ? Math.min(...(waits as number[])) : undefined;
    throw new DeliveryError("transient", details.map((f) => f.error).join("; "), {
      provider: last.provider,
      ...(last.code ? { code: last.code } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      // One provider that is not throttled but failed (SMTP down) makes it an ordinary failed attempt.
      rateLimited: errors.every((e) => e.rateLimited),
      ambiguous: errors[errors.length - 1]!.ambiguous,
    });
  }

  const accepted = (provider: EmailProvider, messageId: string, so: Failover): SendResult => ({
    provider: provider.name,
    providerMessageId: messageId,
    ...(so.failed.length > 0 ? { detail: { failover: failoverDetail(so) } } : {}),
  });

  const sendOne = (message: EmailMessage, so: Failover = noFailures()) =>
    tryProviders(message, so.failed.length > 0 ? providers.slice(1) : providers, so);

  /** A send batch's e-mails through the first provider's batch requests (only where it has them). */
  async function sendMany(
    sendBatch: NonNullable<EmailProvider["sendBatch"]>,
    requestBatchSize: number,
    ctxs: SendContext[],
  ): Promise<(SendResult | Error)[]> {
    const answers: (SendResult | Error)[] = new Array(ctxs.length);
    const ready: { i: number; message: EmailMessage }[] = [];
    ctxs.forEach((ctx, i) => {
      try {
        ready.push({ i, message: messageOf(ctx) });
      } catch (err) {
        answers[i] = err as Error;
      }
    });
    const settle = (i: number, p: Promise<SendResult>) =>
      p.then(
        (r) => {
          answers[i] = r;
        },
        (err: unknown) => {
          answers[i] = asDeliveryError(first.name, err);
        },
      );
    const parts: (typeof ready)[] = [];
    for (let k = 0; k < ready.length; k += requestBatchSize) parts.push(ready.slice(k, k + requestBatchSize));
    await Promise.all(
      parts.map(async (part) => {
        // The batch request's ambiguous first try, if any, for each of its e-mails' timeline.
        const request = noFailures();
        let got: ({ messageId: string } | DeliveryError)[];
        try {
          got = await settled(first, () => sendBatch(part.map((p) => p.message)), request);
        } catch (raw) {
          const err = asDeliveryError(first.name, raw);
          got = part.map(() => err);
        }
        await Promise.all(
          part.map(async ({ i, message }, j) => {
            const answer = got[j] ?? new DeliveryError("transient", "no answer", { provider: first.name });
            if (!(answer instanceof Error)) answers[i] = accepted(first, answer.messageId, request);
            // An ambiguous one stays with this provider: its retry batch asks it again, same rows, same key.
            else if (answer.kind !== "transient" || answer.ambiguous) answers[i] = answer;
            else {
              const so = noFailures();
              noteFailure(so, first.name, answer);
              await settle(i, sendOne(message, so));
            }
          }),
        );
      }),
    );
    return answers;
  }

  const requestBatchSize = first.batchMax ?? 100;
  return {
    channel: "email",
    providers: providers.map((p) => p.name),
    // `sendMany` only where the provider takes batches: otherwise a send batch delivers each
    // e-mail on its own and records it SENT as soon as it went, not after the slowest of them.
    ...(first.sendBatch
      ? {
          requestBatchSize,
          sendMany: (ctxs: SendContext[]) => sendMany(first.sendBatch!.bind(first), requestBatchSize, ctxs),
        }
      : {}),
    async send(ctx) {
      return sendOne(messageOf(ctx));
    },
    async close() {
      await Promise.all(providers.map((p) => p.close?.()));
    },
  };
}
