import { DeliveryError } from "@herald/errors";
import type { ErrorResponse } from "resend";
import { errorForStatus, parseRetryAfter } from "../delivery-errors.ts";

// Named errors about our account rather than this message, whatever their status.
const ACCOUNT_ERRORS = new Set(["missing_api_key", "invalid_api_key", "restricted_api_key"]);

/** What we can prove about a request the SDK got no answer to (its error has `statusCode: null`). */
export interface Unanswered {
  /** Our timeout (the request's AbortSignal) fired. */
  timedOut: boolean;
  /** The request may have reached Resend: it was written, or we cannot tell (see `request-trace.ts`). */
  mayHaveReached: boolean;
  timeoutMs: number;
}

/**
 * 5xx statuses that say the request was not processed, so another provider
 * may send: 503 is a server (or the gateway in front of it) refusing work
 * while overloaded or in maintenance, before the request is handled, as 429
 * is a limit checked first. Every other 5xx may come after Resend took the
 * e-mail: 500 is an error anywhere in the handling, possibly after the
 * e-mail was queued (its answer not yet written); 502 and 504 come from a
 * gateway whose upstream failed or was too slow to answer, which says
 * nothing about whether the upstream processed it. Statuses a proxy invents
 * (Cloudflare's 520 and 524 too) are taken the same careful way.
 */
const NOT_PROCESSED_5XX = new Set([503]);

/** Without a status: a request Resend may have taken is ambiguous, one it never saw is an ordinary network error. */
function unansweredError(error: ErrorResponse | null, how: Unanswered, requestKey?: string): DeliveryError {
  const code = how.timedOut ? "timeout" : "network";
  const what = how.timedOut ? `no answer within ${how.timeoutMs} ms` : (error?.message ?? "no answer");
  if (how.mayHaveReached) {
    return new DeliveryError(
      "transient",
      `resend: ${what} (the request was sent: Resend may have accepted it)`,
      {
        provider: "resend",
        code,
        ambiguous: true,
        ...(requestKey !== undefined ? { requestKey } : {}),
      },
    );
  }
  return new DeliveryError("transient", `resend: ${what} (the request was never sent)`, {
    provider: "resend",
    code,
  });
}

/**
 * Resend's error answer as a `DeliveryError` saying whether a retry, or
 * another provider, can help:
 * - no status (the SDK turns every fetch error into `statusCode: null`):
 *   `ambiguous` when the request may have reached Resend, see {@link Unanswered};
 * - 401 and 403, whatever their name (a bad key, and `validation_error` for
 *   an unverified sending domain or a testing-only account): our account,
 *   not this message, so transient and the next provider is tried;
 * - 409 `concurrent_idempotent_requests`: a request with this very key is
 *   being processed right now, so Resend may be sending this e-mail: transient
 *   and ambiguous;
 * - 429 (`rate_limit_exceeded`, the daily and monthly quotas): the API key's
 *   rate, never one address's, so `rateLimited`;
 * - 5xx transient, and ambiguous unless it proves the request was not
 *   processed (503, see {@link NOT_PROCESSED_5XX}): a 500, 502 or 504 may
 *   come after Resend took the e-mail;
 * - anything else by its status (SPEC §5: other 4xx permanent).
 *
 * `requestKey`, the idempotency key of a batch request, goes on an ambiguous
 * error for the worker to keep (`DeliveryError.requestKey`).
 */
export function resendFailure(
  error: ErrorResponse | null,
  headers: Record<string, string> | null,
  how: Unanswered,
  requestKey?: string,
): DeliveryError {
  const status = error?.statusCode ?? null;
  if (status === null) return unansweredError(error, how, requestKey);
  const text = `resend: ${error?.name ?? "error"}: ${error?.message ?? "no message"}`;
  const code = error?.name ?? String(status);
  const retryAfterMs = parseRetryAfter(headers?.["retry-after"]);
  const rateLimited = status === 429;
  const maybeTaken = status >= 500 && status < 600 && !NOT_PROCESSED_5XX.has(status);
  const ambiguous = code === "concurrent_idempotent_requests" || maybeTaken;
  if (status === 401 || status === 403 || ACCOUNT_ERRORS.has(code) || ambiguous || rateLimited) {
    const said = maybeTaken ? `${text} (HTTP ${status}: Resend may have accepted it)` : text;
    return new DeliveryError("transient", said, {
      provider: "resend",
      code,
      rateLimited,
      ambiguous,
      ...(ambiguous && requestKey !== undefined ? { requestKey } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  return errorForStatus("resend", status, text, { code, retryAfterMs });
}
