/** Herald answered with an error (SPEC error shape). */
export class HeraldApiError extends Error {
  override readonly name = "HeraldApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly details?: { path: string; message: string }[],
    /** Seconds, from `Retry-After` (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/** Herald could not be reached (after the client's retries). */
export class HeraldNetworkError extends Error {
  override readonly name = "HeraldNetworkError";
}

/** Why `verifyWebhook` refused a request. */
export type WebhookErrorReason =
  | "missing_headers"
  | "bad_timestamp"
  | "bad_secret"
  | "bad_signature"
  | "bad_payload";

/** A webhook that did not verify: answer it 400 (or 401) and do not act on it. */
export class HeraldWebhookError extends Error {
  override readonly name = "HeraldWebhookError";
  constructor(
    readonly reason: WebhookErrorReason,
    message: string,
  ) {
    super(message);
  }
}
