import { everyItem, flag, type Http, inChunks, seg } from "./http.ts";
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
import type { UserBatchResult, UserUpsert } from "./user-batch-types.ts";
import type { UserExport } from "./user-export-types.ts";

/** Users per request: the API's limit. */
const USER_BATCH = 1000;

/** The first user id given twice in `users`, with both places, or null. */
function repeatedUserId(users: UserUpsert[]): string | null {
  const seen = new Map<string, number>();
  for (const [index, { userId }] of users.entries()) {
    const first = seen.get(userId);
    if (first !== undefined) return `userId ${JSON.stringify(userId)} at users[${first}] and users[${index}]`;
    seen.set(userId, index);
  }
  return null;
}

/** `herald.users`: recipients, their inbox tokens, and what became of their events. */
export function usersApi(http: Http) {
  const users = {
    upsert: async (userId: string, fields: UserFields): Promise<User> =>
      (await http.request<User>("PUT", `/v1/users/${seg(userId)}`, { body: fields, retryable: true })).body,
    /**
     * Creates or updates any number of users, each as `upsert` would (an
     * import): sent 1,000 per request (the API's limit), one request after
     * another, with the counts summed and `results[i]` for `users[i]`. An
     * invalid user is `rejected` with its error and the others are written.
     * Safe to repeat: users already holding those values come back
     * `unchanged` (so a request retried after a lost answer counts the users
     * its first attempt wrote as unchanged). Throws before sending anything when a user id is given
     * twice (the API refuses that within a request; across requests the
     * later one would silently win). A request that fails throws, leaving
     * the requests before it written: repeat the call.
     */
    upsertMany: async (list: UserUpsert[]): Promise<UserBatchResult> => {
      const repeated = repeatedUserId(list);
      if (repeated) throw new Error(`Herald users.upsertMany: ${repeated}; give each user once`);
      const total: UserBatchResult = { created: 0, updated: 0, unchanged: 0, rejected: 0, results: [] };
      await inChunks(list, USER_BATCH, async (users, start) => {
        const { body } = await http.request<UserBatchResult>("POST", "/v1/users/batch", {
          body: { users },
          retryable: true,
        });
        total.created += body.created;
        total.updated += body.updated;
        total.unchanged += body.unchanged;
        total.rejected += body.rejected;
        for (const r of body.results) total.results.push({ ...r, index: start + r.index });
      });
      return total;
    },
    get: async (userId: string): Promise<User> =>
      (await http.request<User>("GET", `/v1/users/${seg(userId)}`, { retryable: true })).body,
    /**
     * Everything Herald holds about the user (a GDPR access or portability
     * request), parsed: contact data, preferences, devices (without their
     * credentials), topics, suppressions, their events and every notification
     * with its timeline. Recorded in Herald's audit log. The whole document is
     * held in memory: for a user with a very large history, stream
     * `GET /v1/users/:userId/export` to a file with `fetch` instead. An
     * unknown or erased user is `not_found`.
     */
    export: async (userId: string): Promise<UserExport> =>
      (await http.request<UserExport>("GET", `/v1/users/${seg(userId)}/export`, { retryable: true })).body,
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
