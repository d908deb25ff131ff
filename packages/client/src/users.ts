import { everyItem, flag, type Http, seg } from "./http.ts";
import type {
  Page,
  PageOptions,
  User,
  UserEvent,
  UserEventFilter,
  UserFields,
  UserToken,
  UserTopic,
} from "./types.ts";

/** `herald.users`: recipients, their inbox tokens, and what became of their events. */
export function usersApi(http: Http) {
  const users = {
    upsert: async (userId: string, fields: UserFields): Promise<User> =>
      (await http.request<User>("PUT", `/v1/users/${seg(userId)}`, { body: fields, retryable: true })).body,
    get: async (userId: string): Promise<User> =>
      (await http.request<User>("GET", `/v1/users/${seg(userId)}`, { retryable: true })).body,
    /** Erases the user's personal data and devices; anonymised delivery counts remain. */
    erase: async (userId: string): Promise<void> => {
      await http.request<void>("DELETE", `/v1/users/${seg(userId)}`, { retryable: true });
    },
    /**
     * The user's inbox token, for their browser: plain (never expires) unless
     * `expiresIn` (`"15m"`, `"1h"`, `"7d"`) asks for an expiring one or the
     * server sets `USER_TOKEN_MAX_AGE`.
     */
    token: async (userId: string, options: { expiresIn?: string } = {}): Promise<UserToken> =>
      (
        await http.request<UserToken>("GET", `/v1/users/${seg(userId)}/token`, {
          query: options.expiresIn ? { expiresIn: options.expiresIn } : {},
          retryable: true,
        })
      ).body,
    /**
     * Refuses the user's plain token and every token issued before now (a
     * leaked token); inbox streams open with one of them end.
     */
    revokeTokens: async (userId: string): Promise<{ userId: string; revokedBefore: string }> =>
      (
        await http.request<{ userId: string; revokedBefore: string }>(
          "POST",
          `/v1/users/${seg(userId)}/token/revoke`,
          { retryable: true },
        )
      ).body,
    /**
     * One page of the events triggered for this user, newest first (not topic
     * events they got as a subscriber), each with its notification count and
     * skipped channels: support's "why did this user get nothing?". With
     * `sentNothing`, also the topic events whose fan-out skipped them.
     */
    events: async (userId: string, filter: UserEventFilter = {}): Promise<Page<UserEvent>> =>
      (
        await http.request<Page<UserEvent>>("GET", `/v1/users/${seg(userId)}/events`, {
          query: { ...filter, sentNothing: flag(filter.sentNothing) },
          retryable: true,
        })
      ).body,
    /** Every event of `users.events`, page by page. */
    allEvents: (userId: string, filter: UserEventFilter = {}): AsyncGenerator<UserEvent> =>
      everyItem(filter.cursor, (cursor) => users.events(userId, { ...filter, cursor })),
    /** One page of the user's topics, newest subscription first; an unknown or erased user is `not_found`. */
    topics: async (userId: string, page: PageOptions = {}): Promise<Page<UserTopic>> =>
      (
        await http.request<Page<UserTopic>>("GET", `/v1/users/${seg(userId)}/topics`, {
          query: { ...page },
          retryable: true,
        })
      ).body,
    /** Every topic of `users.topics`, page by page. */
    allTopics: (userId: string, page: PageOptions = {}): AsyncGenerator<UserTopic> =>
      everyItem(page.cursor, (cursor) => users.topics(userId, { ...page, cursor })),
  };
  return users;
}
