import { MAX_SEEN_IDS } from "@herald/domain";
import { flag, type Http, inChunks, seg } from "./http.ts";
import type {
  InboxFilter,
  InboxItemResult,
  InboxPage,
  InboxReadAllResult,
  InboxSeenAllResult,
  InboxSeenResult,
} from "./inbox-types.ts";

/**
 * `herald.inbox`: a user's in-app feed read and changed by your backend with
 * its API key (the user's browser uses their token instead; see
 * `users.token`). Every change is idempotent (marking a read item read again
 * changes nothing), so each is retried like a read.
 */
export function inboxApi(http: Http) {
  const item =
    (action: "read" | "seen" | "archive" | "unread" | "unarchive") =>
    async (userId: string, notificationId: string): Promise<InboxItemResult> =>
      (
        await http.request<InboxItemResult>(
          "POST",
          `/v1/users/${seg(userId)}/inbox/${seg(notificationId)}/${action}`,
          { retryable: true },
        )
      ).body;
  const seenMany = async (userId: string, ids: readonly string[]): Promise<InboxSeenResult> =>
    (
      await http.request<InboxSeenResult>("POST", `/v1/users/${seg(userId)}/inbox/seen`, {
        body: { ids },
        retryable: true,
      })
    ).body;
  /**
   * Shown to the user, not necessarily opened: lowers `unseen` only. One id
   * (its own route, answering the item), or a list: any number, sent 100 per
   * request (the API's limit) one after another, with `updated` summed, the
   * changed `ids` gathered and the last answer's counts. Ids that are not the
   * user's items, or seen already, are left out. An empty list is sent as it
   * is, and refused (`validation_failed`). After a retried request, `ids`
   * names only what the last attempt changed.
   */
  function markSeen(userId: string, notificationId: string): Promise<InboxItemResult>;
  function markSeen(userId: string, ids: readonly string[]): Promise<InboxSeenResult>;
  async function markSeen(
    userId: string,
    which: string | readonly string[],
  ): Promise<InboxItemResult | InboxSeenResult> {
    if (typeof which === "string") return item("seen")(userId, which);
    if (which.length <= MAX_SEEN_IDS) return seenMany(userId, which);
    const total: InboxSeenResult = { updated: 0, ids: [], counts: { unread: 0, unseen: 0, total: 0 } };
    await inChunks([...which], MAX_SEEN_IDS, async (ids) => {
      const r = await seenMany(userId, ids);
      total.updated += r.updated;
      total.ids.push(...r.ids);
      total.counts = r.counts;
    });
    return total;
  }
  return {
    /**
     * One page of the feed, newest first, with the unread/unseen counts. As
     * for the user's own widget, fetching marks the page's SENT items
     * DELIVERED. A user who never got anything has an empty feed, not a 404.
     */
    list: async (userId: string, filter: InboxFilter = {}): Promise<InboxPage> =>
      (
        await http.request<InboxPage>("GET", `/v1/users/${seg(userId)}/inbox`, {
          query: { ...filter, unread: flag(filter.unread), archived: flag(filter.archived) },
          retryable: true,
        })
      ).body,
    /** READ (and seen), in the notification's timeline as done by the API. */
    markRead: item("read"),
    markSeen,
    /** Hidden from the default feed and the counts. */
    archive: item("archive"),
    /**
     * A read item unread again: `read: false`, no `readAt`, while its
     * `status` stays `READ` (the timeline keeps every read). An unread item
     * is left as it is.
     */
    markUnread: item("unread"),
    /** An archived item back in the feed (in its place: the feed is ordered by creation) and the counts. */
    unarchive: item("unarchive"),
    /**
     * Marks every unread item read. After a retried request `updated` counts
     * only what the last attempt changed.
     */
    markAllRead: async (userId: string): Promise<InboxReadAllResult> =>
      (
        await http.request<InboxReadAllResult>("POST", `/v1/users/${seg(userId)}/inbox/read-all`, {
          retryable: true,
        })
      ).body,
    /**
     * Marks every unseen item seen (archived ones aside). After a retried
     * request `updated` counts only what the last attempt changed.
     */
    markAllSeen: async (userId: string): Promise<InboxSeenAllResult> =>
      (
        await http.request<InboxSeenAllResult>("POST", `/v1/users/${seg(userId)}/inbox/seen-all`, {
          retryable: true,
        })
      ).body,
  };
}
