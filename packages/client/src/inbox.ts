import { flag, type Http, seg } from "./http.ts";
import type { InboxFilter, InboxItemResult, InboxPage, InboxReadAllResult } from "./inbox-types.ts";

/**
 * `herald.inbox`: a user's in-app feed read and changed by your backend with
 * its API key (the user's browser uses their token instead; see
 * `users.token`). Every change is idempotent (marking a read item read again
 * changes nothing), so each is retried like a read.
 */
export function inboxApi(http: Http) {
  const item =
    (action: "read" | "seen" | "archive") =>
    async (userId: string, notificationId: string): Promise<InboxItemResult> =>
      (
        await http.request<InboxItemResult>(
          "POST",
          `/v1/users/${seg(userId)}/inbox/${seg(notificationId)}/${action}`,
          { retryable: true },
        )
      ).body;
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
    /** Shown to the user, not necessarily opened: lowers `unseen` only. */
    markSeen: item("seen"),
    /** Hidden from the default feed and the counts. */
    archive: item("archive"),
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
  };
}
