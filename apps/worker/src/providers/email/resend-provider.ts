import { createHash } from "node:crypto";
import { DeliveryError } from "@herald/errors";
import { once } from "../once.ts";
import { mayHaveReachedServer, type RequestTrace, traceRequests } from "../request-trace.ts";
import type { BatchRequestOptions, EmailMessage, EmailProvider } from "./email-message.ts";
import { resendFailure, type Unanswered } from "./resend-errors.ts";

export interface ResendProviderOptions {
  apiKey: string;
  /** Default: the SDK's own (`RESEND_BASE_URL`, else https://api.resend.com). */
  baseUrl?: string | undefined;
  /** How long a request may take before it is abandoned (`PROVIDER_TIMEOUT_MS`). */
  timeoutMs: number;
}

const payload = (message: EmailMessage) => ({
  from: message.from,
  to: [message.to],
  subject: message.subject,
  html: message.html,
  text: message.text,
  ...(message.replyTo ? { replyTo: message.replyTo } : {}),
  ...(message.headers ? { headers: message.headers } : {}),
  tags: message.tags,
});

const byNotificationId = (a: EmailMessage, b: EmailMessage) =>
  a.notificationId < b.notificationId ? -1 : a.notificationId > b.notificationId ? 1 : 0;

/** The `Idempotency-Key` of a batch request: its notification ids, in the order given. */
const batchIdempotencyKey = (messages: EmailMessage[]) =>
  `batch-${createHash("sha256")
    .update(messages.map((m) => m.notificationId).join(","))
    .digest("hex")}`;

/**
 * Resend through its official SDK. The notification id is the
 * `Idempotency-Key`, so a retried attempt after a lost answer never sends
 * twice: Resend answers a key it already processed with the first answer.
 *
 * A batch (`POST /emails/batch`, up to 100) is keyed by its notification
 * ids and sent sorted by them. A re-run of the same rows (after a cut-off
 * answer; a retry batch holds the same rows) is then the same request
 * whatever order PostgreSQL loaded them in, so Resend replays its first
 * answer instead of sending again. Sorting the e-mails too, not only the
 * key's ids, matters: the answer's ids are positional, and a replay of a
 * batch sent in another order would pair ids with the wrong e-mails (or be
 * refused as the same key with another payload).
 *
 * A request with no answer is `ambiguous` (Resend may have accepted it)
 * unless it provably never left this process; see `resendFailure`. The
 * retry of an ambiguous batch request passes that request's key
 * (`options.idempotencyKey`), which the worker kept, rather than one made
 * of the e-mails it still holds: those may be fewer (one canceled since),
 * and a new key would be new e-mails to Resend.
 */
export function resendProvider(options: ResendProviderOptions): EmailProvider {
  // The SDK is loaded on first send: a worker that never sends through Resend does not hold it.
  const sdk = once(async () => {
    const { Resend } = await import("resend");
    return new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  });
  const unanswered = (signal: AbortSignal, trace: RequestTrace): Unanswered => ({
    timedOut: signal.aborted,
    mayHaveReached: mayHaveReachedServer(trace),
    timeoutMs: options.timeoutMs,
  });
  return {
    name: "resend",
    batchMax: 100,
    replaysByKey: true,
    batchKey: (messages) => batchIdempotencyKey([...messages].sort(byNotificationId)),
    async prepare() {
      await sdk();
    },
    async send(message: EmailMessage) {
      const client = await sdk();
      const signal = AbortSignal.timeout(options.timeoutMs);
      const { value, trace } = await traceRequests(() =>
        client.emails.send(payload(message), { idempotencyKey: message.notificationId, signal }),
      );
      if (value.data) return { messageId: value.data.id };
      throw resendFailure(value.error, value.headers, unanswered(signal, trace));
    },
    async sendBatch(messages: EmailMessage[], batchOptions: BatchRequestOptions = {}) {
      const order = messages
        .map((message, i) => ({ message, i }))
        .sort((x, y) => byNotificationId(x.message, y.message));
      const sorted = order.map((o) => o.message);
      const key = batchOptions.idempotencyKey ?? batchIdempotencyKey(sorted);
      const client = await sdk();
      const signal = AbortSignal.timeout(options.timeoutMs);
      const { value, trace } = await traceRequests(() =>
        client.batch.send(sorted.map(payload), {
          idempotencyKey: key,
          batchValidation: "permissive",
          signal,
        }),
      );
      const { data, error, headers } = value;
      if (!data) throw resendFailure(error, headers, unanswered(signal, trace), key);
      // Permissive validation: the accepted ones' ids in order, the refused ones by index.
      const refused = new Map((data.errors ?? []).map((e) => [e.index, e.message]));
      let next = 0;
      const answers = sorted.map((_, k) => {
        const why = refused.get(k);
        if (why !== undefined)
          return new DeliveryError("permanent", `resend: ${why}`, {
            provider: "resend",
            code: "validation_error",
          });
        const accepted = data.data[next++];
        // Resend took the request but its answer names no id here: it may have sent this one.
        return accepted
          ? { messageId: accepted.id }
          : new DeliveryError("transient", "resend: no id in the batch answer", {
              provider: "resend",
              ambiguous: true,
              requestKey: key,
            });
      });
      const inGivenOrder: (typeof answers)[number][] = new Array(messages.length);
      order.forEach(({ i }, k) => {
        inGivenOrder[i] = answers[k]!;
      });
      return inGivenOrder;
    },
  };
}
