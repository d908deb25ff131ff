import { everyItem, type Http, iso, seg } from "./http.ts";
import type {
  DeadLetter,
  DeadLetterFilter,
  DeadLetterRetryFilter,
  DeadLetterRetryResult,
} from "./ops-types.ts";
import type { Notification, Page } from "./types.ts";

/** `herald.deadLetters`: notifications whose retries ran out, for an operator to retry or discard. */
export function deadLettersApi(http: Http) {
  const deadLetters = {
    /** One page, newest first; an erased user's are not listed (the erase canceled them). */
    list: async (filter: DeadLetterFilter = {}): Promise<Page<DeadLetter>> =>
      (
        await http.request<Page<DeadLetter>>("GET", "/v1/dead-letters", {
          query: { ...filter, since: iso(filter.since), until: iso(filter.until) },
          retryable: true,
        })
      ).body,
    /** Every matching dead letter, page by page. */
    listAll: (filter: DeadLetterFilter = {}): AsyncGenerator<DeadLetter> =>
      everyItem(filter.cursor, (cursor) => deadLetters.list({ ...filter, cursor })),
    /**
     * Sends it again with fresh attempts (back to QUEUED); also one that
     * FAILED for good (`permanent_error`, `device_gone`) once its address or
     * device is fixed. `conflict` (409) for anything else.
     */
    retry: async (notificationId: string): Promise<Notification> =>
      (
        await http.request<Notification>("POST", `/v1/dead-letters/${seg(notificationId)}/retry`, {
          // Not repeated: after a lost answer the repeat would be refused 409 (no longer DEAD) though the
          // first worked, or, if it died again meanwhile, start a round of attempts nobody asked for.
          retryable: false,
        })
      ).body,
    /**
     * Retries up to `limit` matching dead letters, newest first (an erased
     * user's are skipped); call again while `more` is true.
     */
    retryAll: async (filter: DeadLetterRetryFilter = {}): Promise<DeadLetterRetryResult> =>
      (
        await http.request<DeadLetterRetryResult>("POST", "/v1/dead-letters/retry", {
          body: { ...filter, since: iso(filter.since), until: iso(filter.until) },
          // Not repeated: a repeat after a lost answer would retry the next `limit` too, and answer
          // without the `ids` the first one queued.
          retryable: false,
        })
      ).body,
    /** CANCELED with reason `discarded`: it leaves the list for good. `conflict` (409) unless dead. */
    discard: async (notificationId: string): Promise<Notification> =>
      (
        await http.request<Notification>("DELETE", `/v1/dead-letters/${seg(notificationId)}`, {
          // A discarded notification stays canceled: a repeat changes nothing and is answered the same.
          retryable: true,
        })
      ).body,
  };
  return deadLetters;
}
