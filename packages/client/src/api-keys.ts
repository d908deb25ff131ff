import type {
  ApiKey,
  ApiKeyListOptions,
  CreatedApiKey,
  KeyRequestOptions,
  NewApiKey,
  RotateOptions,
} from "./api-key-types.ts";
import { everyItem, flag, type Http, iso, seg } from "./http.ts";
import type { Page } from "./types.ts";

const idempotency = (request: KeyRequestOptions) => ({
  "idempotency-key": request.idempotencyKey ?? globalThis.crypto.randomUUID(),
});

/**
 * `herald.apiKeys`: Herald's API keys, for a deploy or secret-rotation job
 * holding an `admin` key (every route refuses other keys with 403).
 */
export function apiKeysApi(http: Http) {
  const apiKeys = {
    /** One page of keys, newest first (`limit` 1–200, default 50; `cursor`: the last page's `nextCursor`). */
    list: async (options: ApiKeyListOptions = {}): Promise<Page<ApiKey>> =>
      (
        await http.request<Page<ApiKey>>("GET", "/v1/api-keys", {
          query: { ...options, includeRevoked: flag(options.includeRevoked) },
          retryable: true,
        })
      ).body,
    /** Every key, newest first, page by page (from `cursor` when given). */
    listAll: (options: ApiKeyListOptions = {}): AsyncGenerator<ApiKey> =>
      everyItem(options.cursor, (cursor) => apiKeys.list({ ...options, cursor })),
    /** One key, revoked or not. `not_found` (404) when unknown. */
    get: async (keyId: string): Promise<ApiKey> =>
      (await http.request<ApiKey>("GET", `/v1/api-keys/${seg(keyId)}`, { retryable: true })).body,
    /** Makes a key; the answer's `key` is its secret, shown this once (and to a repeat within 24 h). */
    create: async (key: NewApiKey, request: KeyRequestOptions = {}): Promise<CreatedApiKey> =>
      (
        await http.request<CreatedApiKey>("POST", "/v1/api-keys", {
          body: { ...key, expiresAt: iso(key.expiresAt) },
          headers: idempotency(request),
          // Retried with the same Idempotency-Key: a lost answer comes again instead of a second key.
          retryable: true,
        })
      ).body,
    /**
     * Revokes a key: this API process refuses it at once, the others within
     * `API_KEY_CACHE_MS` (default 2 s). A revoked key is answered again as it
     * is. `not_found` (404) when unknown.
     */
    revoke: async (keyId: string): Promise<ApiKey> =>
      (
        await http.request<ApiKey>("DELETE", `/v1/api-keys/${seg(keyId)}`, {
          // A repeat keeps the first revocation's time and answers the same key.
          retryable: true,
        })
      ).body,
    /**
     * A new secret with the same name, scopes, environment and limit
     * (`rotatedFrom` names the old key), which is revoked at once or keeps
     * working for `graceSeconds`. `not_found` (404) for an unknown or revoked
     * key, `conflict` (409) while an earlier rotation's grace period runs.
     */
    rotate: async (
      keyId: string,
      options: RotateOptions = {},
      request: KeyRequestOptions = {},
    ): Promise<CreatedApiKey> =>
      (
        await http.request<CreatedApiKey>("POST", `/v1/api-keys/${seg(keyId)}/rotate`, {
          body: options,
          headers: idempotency(request),
          // Retried with the same Idempotency-Key: a lost answer comes again instead of a 404 or 409.
          retryable: true,
        })
      ).body,
  };
  return apiKeys;
}
