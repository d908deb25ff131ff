/** What a key may do; `admin` may do everything, key management included. */
export type ApiKeyScope = "events:write" | "users:write" | "read" | "admin";

/** An API key as Herald shows it: never the secret, only its prefix and last four characters. */
export interface ApiKey {
  /** `key_…`: what `get`, `revoke` and `rotate` take. */
  id: string;
  name: string;
  /** Prefix and last four characters (`hk_live_Ab3D…x9Qz`), for recognising a key. */
  display: string;
  prefix: string;
  lastFour: string;
  environment: "live" | "test";
  scopes: ApiKeyScope[];
  /** Requests per rate-limit window; null: the API's default (`API_RATE_LIMIT`). */
  rateLimit: number | null;
  createdAt: string;
  /** Recorded at most once a minute; null: never used. */
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** The key this one replaced (`rotate`). */
  rotatedFrom: string | null;
}

/** A key just made: the only answer that carries its secret. */
export interface CreatedApiKey extends ApiKey {
  /** The secret (`hk_live_…`/`hk_test_…`). Shown once: Herald keeps only its SHA-256. */
  key: string;
}

export interface NewApiKey {
  /** Who or what uses it, e.g. `order-service (production)` (1–100 characters). */
  name: string;
  /** At least one, none twice. */
  scopes: ApiKeyScope[];
  /** Only the secret's prefix differs (`hk_live_`/`hk_test_`). Default `live`. */
  environment?: "live" | "test";
  /** Stops working then (a future ISO time or Date). Default never. */
  expiresAt?: string | Date;
  /** Requests per rate-limit window (1–10,000,000). Default the API's `API_RATE_LIMIT`. */
  rateLimit?: number;
}

export interface ApiKeyListOptions {
  /** Also list revoked and expired keys. Default false: only those that still work. */
  includeRevoked?: boolean;
  /** Keys per page, 1–200. Default 50. */
  limit?: number;
  /** The previous page's `nextCursor`. */
  cursor?: string;
}

/** How a create or rotate names itself, so that a retry is not a second one. */
export interface KeyRequestOptions {
  /**
   * Sent as `Idempotency-Key`: a repeat within 24 h gets the first answer,
   * secret included, and makes nothing. Default a fresh UUID per call, which
   * covers the client's own retries; pass your own (a deploy's id) to also
   * cover a job that is itself run again. Never the same one for two different keys.
   */
  idempotencyKey?: string;
}

export interface RotateOptions {
  /** Seconds the old key keeps working, so deployments can switch over (at most 7 days). Default 0: revoked at once. */
  graceSeconds?: number;
}
