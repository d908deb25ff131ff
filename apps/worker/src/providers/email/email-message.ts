import type { NotificationRow } from "@herald/db";
import type { RenderedFor } from "@herald/domain";
import type { DeliveryError } from "@herald/errors";

/** One e-mail, provider-neutral. */
export interface EmailMessage {
  notificationId: string;
  to: string;
  from: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers from the template (e.g. List-Unsubscribe). */
  headers?: Record<string, string>;
  /** Name/value labels providers keep with the message (Resend tags). */
  tags: { name: string; value: string }[];
}

/** How a batch request is made. */
export interface BatchRequestOptions {
  /**
   * The request's idempotency key. Default: the provider's own for these
   * messages (Resend: a digest of their notification ids). A retry of an
   * ambiguous batch request passes that request's key, whatever messages it
   * still holds.
   */
  idempotencyKey?: string;
}

export interface EmailProvider {
  readonly name: string;
  /**
   * Whether a request repeated with the same idempotency key gets the first
   * one's answer rather than sending again (Resend, for 24 hours). Only such
   * a provider is asked again at once after an ambiguous failure; another
   * (SMTP) is left to the retry schedule, since asking again may well send a
   * second copy. Default false.
   */
  readonly replaysByKey?: boolean;
  /** Sends or throws (a `DeliveryError`, or anything else, which counts as transient). */
  send(message: EmailMessage): Promise<{ messageId: string }>;
  /**
   * Optional: several e-mails in one request (at most `batchMax`). One answer
   * per message, in order: its id, or the `DeliveryError` for that message.
   * Throws, as `send` does, when the whole request failed; an ambiguous
   * failure carries the request's key (`requestKey`).
   */
  sendBatch?(
    messages: EmailMessage[],
    options?: BatchRequestOptions,
  ): Promise<({ messageId: string } | DeliveryError)[]>;
  /** Most messages `sendBatch` takes per request. */
  readonly batchMax?: number;
  /**
   * Optional, beside `sendBatch`: the idempotency key it gives these messages
   * when passed none. The e-mail sender notes the key before the request
   * leaves (`SendContext.inFlight`), so that a run taking the job over after
   * a crash retries that very request. Without it a batch request is noted
   * without its key, and that run retries each e-mail under its own.
   */
  batchKey?(messages: EmailMessage[]): string;
  /**
   * Optional: gets ready for a first request without sending anything (loads
   * the SDK, fetches a token). A provider under a `<PROVIDER>_RATE_LIMIT`
   * does it before taking its slot, so the request goes out when the slot
   * comes, not after the loading. Cheap once done; a failure is left to `send`.
   */
  prepare?(): Promise<void>;
  close?(): Promise<void>;
}

// Resend tag values allow ASCII letters, digits, underscores and dashes only.
const tagValue = (v: string) => v.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256);

export function buildEmailMessage(
  n: NotificationRow,
  to: string,
  content: RenderedFor<"email">,
  config: { from: string; replyTo?: string | undefined },
): EmailMessage {
  // Another part of Herald may add headers (List-Unsubscribe) to the rendered email.
  const headers = (content as { headers?: Record<string, string> }).headers;
  return {
    notificationId: n.id,
    to,
    from: config.from,
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    subject: content.subject,
    html: content.html,
    text: content.text,
    ...(headers && Object.keys(headers).length > 0 ? { headers } : {}),
    tags: [
      { name: "notification_id", value: tagValue(n.id) },
      { name: "type", value: tagValue(n.type) },
      { name: "category", value: tagValue(n.category) },
    ],
  };
}
