import { createHash } from "node:crypto";
import { DeliveryError } from "@herald/errors";
import type { Resend } from "resend";
import { errorForStatus, parseRetryAfter } from "../delivery-errors.ts";
import { once } from "../once.ts";
import type { EmailMessage, EmailProvider } from "./email-message.ts";

export interface ResendProviderOptions {
  apiKey: string;
  /** Default: the SDK's own (`RESEND_BASE_URL`, else https://api.resend.com). */
  baseUrl?: string | undefined;
  timeoutMs: number;
}

// Errors about our account rather than this message: retrying later (after an
// operator fixes the key) or another provider can help, so they are transient.
const ACCOUNT_ERRORS = new Set(["missing_api_key", "invalid_api_key", "restricted_api_key"]);
const TRANSIENT_ERRORS = new Set(["concurrent_idempotent_requests", "rate_limit_exceeded"]);

type Answer = Awaited<ReturnType<Resend["emails"]["send"]>>;

/** Resend's error answer as a `DeliveryError` saying whether a retry can help. */
function failure(error: Answer["error"], headers: Answer["headers"]): DeliveryError {
  const status = error?.statusCode ?? null;
  const text = `resend: ${error?.name ?? "error"}: ${error?.message ?? "no answer"}`;
  // No status: the SDK could not reach Resend (connection refused, timeout).
  if (status === null) return new DeliveryError("transient", text, { provider: "resend", code: "network" });
  const code = error?.name ?? String(status);
  const retryAfterMs = parseRetryAfter(headers?.["retry-after"]);
  // Resend's 429s (rate_limit_exceeded, daily_quota_exceeded…) all limit the API key, never one address.
  const rateLimited = status === 429;
  if (ACCOUNT_ERRORS.has(code) || TRANSIENT_ERRORS.has(code) || rateLimited) {
    return new DeliveryError("transient", text, {
      provider: "resend",
      code,
      rateLimited,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  return errorForStatus("resend", status, text, { code, retryAfterMs });
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

/**
 * Resend through its official SDK. The notification id is the
 * `Idempotency-Key`, so a retried attempt after a lost answer never sends
 * twice. A batch (`POST /emails/batch`, up to 100) is keyed by its
 * notification ids: a batch re-run after a cut-off answer holds the same
 * rows (their SENT records are written together), so Resend answers it from
 * its idempotency cache instead of sending again.
 */
export function resendProvider(options: ResendProviderOptions): EmailProvider {
  // The SDK is loaded on first send: a worker that never sends through Resend does not hold it.
  const sdk = once(async () => {
    const { Resend } = await import("resend");
    return new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  });
  return {
    name: "resend",
    batchMax: 100,
    async send(message: EmailMessage) {
      const client = await sdk();
      const { data, error, headers } = await client.emails.send(payload(message), {
        idempotencyKey: message.notificationId,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (data) return { messageId: data.id };
      throw failure(error, headers);
    },
    async sendBatch(messages: EmailMessage[]) {
      const ids = messages.map((m) => m.notificationId).join(",");
      const client = await sdk();
      const { data, error, headers } = await client.batch.send(messages.map(payload), {
        idempotencyKey: `batch-${createHash("sha256").update(ids).digest("hex")}`,
        batchValidation: "permissive",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!data) throw failure(error, headers);
      // Permissive validation: the accepted ones' ids in order, the refused ones by index.
      const refused = new Map((data.errors ?? []).map((e) => [e.index, e.message]));
      let next = 0;
      return messages.map((_, i) => {
        const why = refused.get(i);
        if (why !== undefined)
          return new DeliveryError("permanent", `resend: ${why}`, {
            provider: "resend",
            code: "validation_error",
          });
        const accepted = data.data[next++];
        return accepted
          ? { messageId: accepted.id }
          : new DeliveryError("transient", "resend: no id in the batch answer", { provider: "resend" });
      });
    },
  };
}
