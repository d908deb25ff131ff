import type { PageOptions, UserFields } from "./types.ts";

/** A topic subscriber: a user id, or a user id with contact data to upsert. */
export type TopicSubscriber = string | (UserFields & { userId: string });

/** A topic (a named audience) and how many users are subscribed to it. */
export interface Topic {
  key: string;
  subscriberCount: number;
  createdAt: string;
}

export interface TopicSubscription {
  userId: string;
  subscribedAt: string;
}

/** Which topics `topics.list` answers, a page at a time in key order. */
export interface TopicListOptions extends PageOptions {
  /**
   * Only the topics whose key starts with this, character for character
   * (`_` and `%` are no wildcards); printable ASCII, up to 128 characters.
   * Default: every topic.
   */
  prefix?: string;
}
