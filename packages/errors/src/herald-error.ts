/**
 * The one list of failure codes the HTTP API can answer with. Adding a code
 * means adding its status below; the compiler enforces that.
 */
export type ErrorCode =
  | "malformed_request"
  | "validation_failed"
  | "unknown_type"
  | "invalid_data"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "idempotency_conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable"
  | "internal";

export const ERROR_STATUS = {
  malformed_request: 400,
  validation_failed: 422,
  unknown_type: 422,
  invalid_data: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    /** Field-level problems for 422s: `path` is dotted, e.g. `data.items.0.quantity`. */
    details?: { path: string; message: string }[];
  };
}

export interface HeraldErrorOptions {
  details?: { path: string; message: string }[];
  /** Seconds, sent as `Retry-After` (429 and 503). */
  retryAfter?: number;
  cause?: unknown;
}

/** An expected failure of an API call; the `onError` handler turns it into {@link ErrorBody}. */
export class HeraldError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: { path: string; message: string }[];
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, options: HeraldErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "HeraldError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    if (options.details) this.details = options.details;
    if (options.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }

  toBody(requestId: string): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        requestId,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}
