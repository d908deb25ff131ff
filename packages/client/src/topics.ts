import { everyItem, type Http, inChunks, seg } from "./http.ts";
import type { Topic, TopicListOptions, TopicSubscriber, TopicSubscription } from "./topic-types.ts";
import type { Page } from "./types.ts";

/** Subscribers per request: the API's limit. */
const TOPIC_PAGE = 1000;

/** `herald.topics`: named audiences an event can be sent to instead of one user. */
export function topicsApi(http: Http) {
  const topics = {
    /**
     * Subscribes users to a topic (created on first use). Any number of
     * subscribers: they are sent 1,000 per request (the API's limit), and
     * `added` counts those not subscribed before.
     */
    subscribe: async (
      key: string,
      subscribers: TopicSubscriber[],
    ): Promise<{ topic: string; added: number }> => {
      let added = 0;
      await inChunks(subscribers, TOPIC_PAGE, async (chunk) => {
        const res = await http.request<{ topic: string; added: number }>(
          "POST",
          `/v1/topics/${seg(key)}/subscribers`,
          { body: { subscribers: chunk }, retryable: true },
        );
        added += res.body.added;
      });
      return { topic: key, added };
    },
    /** Unsubscribes users (1,000 per request); `removed` counts those that were subscribed. An unknown topic fails with `not_found`. */
    unsubscribe: async (key: string, userIds: string[]): Promise<{ removed: number }> => {
      let removed = 0;
      await inChunks(userIds, TOPIC_PAGE, async (chunk) => {
        const res = await http.request<{ removed: number }>("DELETE", `/v1/topics/${seg(key)}/subscribers`, {
          body: { userIds: chunk },
          retryable: true,
        });
        removed += res.body.removed;
      });
      return { removed };
    },
    get: async (key: string): Promise<Topic> =>
      (await http.request<Topic>("GET", `/v1/topics/${seg(key)}`, { retryable: true })).body,
    /** One page of the topics in key order, each with its subscriber count (`limit` 1–200, default 50). */
    list: async (options: TopicListOptions = {}): Promise<Page<Topic>> =>
      (await http.request<Page<Topic>>("GET", "/v1/topics", { query: { ...options }, retryable: true })).body,
    /** Every topic of `topics.list`, page by page. */
    listAll: (options: TopicListOptions = {}): AsyncGenerator<Topic> =>
      everyItem(options.cursor, (cursor) => topics.list({ ...options, cursor })),
    /**
     * Deletes a topic and its subscriptions (the users stay). Events sent to
     * it before reach no one their fan-out has not reached yet. `not_found`
     * (404) when there is no such topic.
     */
    delete: async (key: string): Promise<void> => {
      await http.request<void>("DELETE", `/v1/topics/${seg(key)}`, {
        // Not repeated: after a lost answer the repeat would be refused 404 though the first worked.
        retryable: false,
      });
    },
    /** One page of a topic's subscribers (`limit` 1–1000, default 100). */
    subscribers: async (
      key: string,
      page: { cursor?: string; limit?: number } = {},
    ): Promise<Page<TopicSubscription>> =>
      (
        await http.request<Page<TopicSubscription>>("GET", `/v1/topics/${seg(key)}/subscribers`, {
          query: page,
          retryable: true,
        })
      ).body,
    /** Every subscriber of a topic, page by page (`limit` per request). */
    allSubscribers: (
      key: string,
      page: { cursor?: string; limit?: number } = {},
    ): AsyncGenerator<TopicSubscription> =>
      everyItem(page.cursor, (cursor) => topics.subscribers(key, { ...page, cursor })),
  };
  return topics;
}
