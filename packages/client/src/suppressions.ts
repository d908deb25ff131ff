import { HeraldApiError } from "./errors.ts";
import { flag, type Http, seg } from "./http.ts";
import type {
  LiftOptions,
  Suppression,
  SuppressionAddress,
  SuppressionChannel,
  SuppressOptions,
} from "./suppression-types.ts";

/**
 * `herald.suppressions`: the addresses Herald sends nothing to, by user (their
 * current e-mail address and phone number) or by address (any, e.g. one a
 * user had before). Adding is idempotent: an address already suppressed is
 * answered as it is, whatever its reason.
 */
export function suppressionsApi(http: Http) {
  const path = (userId: string) => `/v1/users/${seg(userId)}/suppressions`;
  return {
    /** The suppressions of the user's current e-mail address and phone number (e-mail first; empty: both get messages). */
    list: async (userId: string): Promise<Suppression[]> =>
      (await http.request<{ data: Suppression[] }>("GET", path(userId), { retryable: true })).body.data,
    /**
     * Suppresses the user's current address on `channel` (`manual`, with the
     * note and your key kept). Already suppressed: its entry, unchanged.
     * `not_found` (404) for an unknown or erased user, `validation_failed`
     * (422) when they have no address on that channel.
     */
    add: async (
      userId: string,
      channel: SuppressionChannel,
      options: SuppressOptions = {},
    ): Promise<Suppression> =>
      (
        await http.request<Suppression>("POST", path(userId), {
          body: { channel, ...options },
          // A repeat answers the entry the first one made.
          retryable: true,
        })
      ).body,
    /**
     * Lifts the suppression of the user's current address on `channel` and
     * answers it as it was. `not_found` (404) when it is not suppressed,
     * `conflict` (409) for a spam complaint unless `force`.
     */
    lift: async (
      userId: string,
      channel: SuppressionChannel,
      options: LiftOptions = {},
    ): Promise<Suppression> =>
      (
        await http.request<Suppression>("DELETE", `${path(userId)}/${seg(channel)}`, {
          query: { force: flag(options.force) },
          // Not repeated: after a lost answer the repeat would be refused 404 though the first worked.
          retryable: false,
        })
      ).body,
    /** The suppression of an address, whoever has it; null when it is not suppressed. */
    lookup: async (address: SuppressionAddress): Promise<Suppression | null> => {
      try {
        return (
          await http.request<Suppression>("POST", "/v1/suppressions/lookup", {
            body: address,
            retryable: true,
          })
        ).body;
      } catch (err) {
        if (err instanceof HeraldApiError && err.status === 404) return null;
        throw err;
      }
    },
    /** Suppresses an address, whoever has it now or later (`manual`). Already suppressed: its entry, unchanged. */
    addAddress: async (address: SuppressionAddress, options: SuppressOptions = {}): Promise<Suppression> =>
      (
        await http.request<Suppression>("POST", "/v1/suppressions", {
          body: { ...address, ...options },
          retryable: true,
        })
      ).body,
    /** Lifts the suppression of an address. `not_found` (404) when there is none, `conflict` (409) for a complaint unless `force`. */
    liftAddress: async (address: SuppressionAddress, options: LiftOptions = {}): Promise<Suppression> =>
      (
        await http.request<Suppression>("POST", "/v1/suppressions/lift", {
          body: { ...address, ...options },
          retryable: false,
        })
      ).body,
  };
}
