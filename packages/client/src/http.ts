import { HeraldApiError, HeraldNetworkError } from "./errors.ts";
import type { Page } from "./types.ts";

export interface HttpOptions {
  apiKey: string;
  baseUrl: string;
  /** Attempts after the first on network errors, timeouts, 429 and 502/503/504. Default 3. */
  maxRetries: number;
  /** First retry delay; doubles each time, with jitter, capped at 10 s (a Retry-After wins). Default 250 ms. */
  retryDelayMs: number;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  /** Extra request headers (`Idempotency-Key`). */
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  /**
   * Whether repeating the request is harmless. Reads, PUT/DELETE and event
   * triggers carrying an idempotency key are; the client retries only those.
   */
  retryable: boolean;
}

/** A path segment: ids come from callers and may hold `/`, `?` or `#`. */
export const seg = encodeURIComponent;
/** The API takes times as ISO strings; callers may hold Dates. */
export const iso = (d: string | Date | undefined) => (d instanceof Date ? d.toISOString() : d);
/** The query's booleans are the strings `true`/`false`; left out when not given, so the API's default holds. */
export const flag = (b: boolean | undefined) => (b === undefined ? undefined : String(b));

/**
 * Every item of a cursor list from `cursor` on (the first page without one),
 * fetching the next page only once the caller has used up this one.
 */
/**
 * Sends `items` `size` at a time (an API's per-request limit), one request
 * after another, in order; `send` gets each chunk and where it starts.
 */
export async function inChunks<T>(
  items: T[],
  size: number,
  send: (chunk: T[], start: number) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size)
    await send(items.slice(start, start + size), start);
}

export async function* everyItem<T>(
  cursor: string | undefined,
  page: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  do {
    const p = await page(cursor);
    yield* p.data;
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Http {
  constructor(private readonly options: HttpOptions) {}

  async request<T>(
    method: string,
    path: string,
    opts: RequestOptions,
  ): Promise<{ body: T; headers: Headers }> {
    const url = new URL(this.options.baseUrl.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        accept: "application/json",
        ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    };
    const attempts = opts.retryable ? this.options.maxRetries + 1 : 1;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await this.options.fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
      } catch (err) {
        lastError = err;
        if (attempt < attempts) await sleep(this.backoff(attempt));
        continue;
      }
      if (res.ok) {
        const text = await res.text();
        return { body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
      }
      const error = await toApiError(res);
      if (attempt < attempts && RETRY_STATUSES.has(res.status)) {
        lastError = error;
        await sleep(
          error.retryAfter !== undefined ? Math.min(error.retryAfter * 1000, 30_000) : this.backoff(attempt),
        );
        continue;
      }
      throw error;
    }
    if (lastError instanceof HeraldApiError) throw lastError;
    throw new HeraldNetworkError(
      `Could not reach Herald at ${url.origin} after ${attempts} attempt(s): ${(lastError as Error)?.message}`,
      { cause: lastError },
    );
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.options.retryDelayMs * 2 ** (attempt - 1), 10_000);
    return base / 2 + Math.random() * (base / 2);
  }
}

async function toApiError(res: Response): Promise<HeraldApiError> {
  const text = await res.text().catch(() => "");
  let body: { error?: { code?: string; message?: string; requestId?: string; details?: [] } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // not the SPEC shape (a proxy's page): keep the status
  }
  const retryAfter = Number(res.headers.get("retry-after"));
  return new HeraldApiError(
    res.status,
    body.error?.code ?? `http_${res.status}`,
    body.error?.message ?? (text.slice(0, 200) || res.statusText),
    body.error?.requestId ?? res.headers.get("x-request-id") ?? undefined,
    body.error?.details,
    Number.isFinite(retryAfter) && res.headers.has("retry-after") ? retryAfter : undefined,
  );
}
