import { DeliveryError } from "@herald/errors";
import { Resend } from "resend";
import { errorForStatus, parseRetryAfter } from "../delivery-errors.ts";
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

/**
 * Resend through its official SDK. The notification id is the
 * `Idempotency-Key`, so a retried attempt after a lost answer never sends twice.
 */
export function resendProvider(options: ResendProviderOptions): EmailProvider {
  const client = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  return {
    name: "resend",
    async send(message: EmailMessage) {
      const { data, error, headers } = await client.emails.send(
        {
          from: message.from,
          to: [message.to],
          subject: message.subject,
          html: message.html,
          text: message.text,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
          tags: message.tags,
        },
        { idempotencyKey: message.notificationId, signal: AbortSignal.timeout(options.timeoutMs) },
      );
      if (data) return { messageId: data.id };
      const status = error?.statusCode ?? null;
      const text = `resend: ${error?.name ?? "error"}: ${error?.message ?? "no answer"}`;
      // No status: the SDK could not reach Resend (connection refused, timeout).
      if (status === null)
        throw new DeliveryError("transient", text, { provider: "resend", code: "network" });
      const code = error?.name ?? String(status);
      const retryAfterMs = parseRetryAfter(headers?.["retry-after"]);
      if (ACCOUNT_ERRORS.has(code) || TRANSIENT_ERRORS.has(code)) {
        throw new DeliveryError("transient", text, {
          provider: "resend",
          code,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
      }
      throw errorForStatus("resend", status, text, { code, retryAfterMs });
    },
  };
}
