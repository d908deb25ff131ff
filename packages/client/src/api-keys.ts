import type { ApiKey, ApiKeyListOptions, CreatedApiKey, NewApiKey, RotateOptions } from "./api-key-types.ts";
import { everyItem, flag, type Http, iso, seg } from "./http.ts";
import type { Page } from "./types.ts";

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
    /** Makes a key; the answer's `key` is its secret, shown this once. */
    create: async (key: NewApiKey): Promise<CreatedApiKey> =>
      (
        await http.request<CreatedApiKey>("POST", "/v1/api-keys", {
          body: { ...key, expiresAt: iso(key.expiresAt) },
          // Not repeated: after a lost answer a repeat would make a second key, and the first one's
          // secret would be gone (list the keys and revoke the one you never got).
          retryable: false,
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
    rotate: async (keyId: string, options: RotateOptions = {}): Promise<CreatedApiKey> =>
      (
        await http.request<CreatedApiKey>("POST", `/v1/api-keys/${seg(keyId)}/rotate`, {
          body: options,
          // Not repeated: after a lost answer the repeat is refused (404 once the old key is revoked, 409 in
          // its grace period) and the new secret is gone: revoke the successor (`rotatedFrom`) and rotate again.
          retryable: false,
        })
      ).body,
  };
  return apiKeys;
}
