import { DeliveryError } from "@herald/errors";

/** A push target the provider says no longer exists (404/410, unregistered token). The device is removed, never retried. */
export class GoneDeviceError extends DeliveryError {
  readonly deviceIds: string[];

  constructor(
    message: string,
    options: { provider: string; code?: string; deviceIds: string[]; cause?: unknown },
  ) {
    super("gone", message, options);
    this.name = "GoneDeviceError";
    this.deviceIds = options.deviceIds;
  }
}

/**
 * The longest wait one `Retry-After` is taken at: 5 minutes. Longer ones (a
 * day's quota, a clock off by hours, a typo) would hold a retry, or pause a
 * whole channel, for that long on one answer; after 5 minutes the provider
 * is asked again, and a provider still refusing says how long again.
 */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * `Retry-After` as milliseconds: delta-seconds (fractions taken too) or an
 * HTTP date (a past one is 0), at most `MAX_RETRY_AFTER_MS`. Undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(Math.round(Number(trimmed) * 1000), MAX_RETRY_AFTER_MS);
  // An HTTP date (RFC 9110's IMF-fixdate, or the obsolete forms) names its day and month: Date.parse
  // alone would also read "-3" or "12/31" as dates.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/**
 * SPEC §5: 429 and 5xx are transient (429 honours Retry-After); every other
 * 4xx is permanent. Anything else unexpected (1xx/3xx) is treated as transient.
 */
export function errorForStatus(
  provider: string,
  status: number,
  message: string,
  extra: { code?: string; retryAfterMs?: number | undefined; cause?: unknown } = {},
): DeliveryError {
  const permanent = status >= 400 && status < 500 && status !== 429 && status !== 408;
  return new DeliveryError(permanent ? "permanent" : "transient", message, {
    provider,
    code: extra.code ?? String(status),
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
    ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
  });
}

/** A request that never got an answer (refused, reset, timed out): transient. */
export function networkError(provider: string, err: unknown): DeliveryError {
  const e = err as { code?: string; name?: string; message?: string };
  const code = e?.code ?? (e?.name === "TimeoutError" || e?.name === "AbortError" ? "timeout" : "network");
  return new DeliveryError("transient", `${provider}: ${e?.message ?? String(err)}`, {
    provider,
    code,
    cause: err,
  });
}
