import { Http } from "./http.ts";
import type {
  BatchResult,
  Device,
  HeraldEvent,
  NewDevice,
  Notification,
  NotificationFilter,
  NotificationWithTimeline,
  Page,
  Preferences,
  PreferencesUpdate,
  Topic,
  TopicSubscriber,
  TopicSubscription,
  TriggerEvent,
  TriggerResult,
  User,
  UserFields,
  UserToken,
} from "./types.ts";

export interface HeraldOptions {
  /** An API key (`hk_live_…` / `hk_test_…`). */
  apiKey: string;
  /** Where Herald's API is, e.g. `https://herald.internal`. Default `http://localhost:3000`. */
  baseUrl?: string;
  /** Retries of safe requests on network errors, timeouts, 429 and 502/503/504. Default 3. */
  maxRetries?: number;
  /** First retry delay in ms, doubled per retry with jitter. Default 250. */
  retryDelayMs?: number;
  /** Per-attempt timeout in ms. Default 10000. */
  timeoutMs?: number;
  /** A `fetch` implementation. Default the global one. */
  fetch?: typeof fetch;
}

const seg = encodeURIComponent;
/** Subscribers per request: the API's limit. */
const TOPIC_PAGE = 1000;
const iso = (d: string | Date | undefined) => (d instanceof Date ? d.toISOString() : d);

function withKey<E extends TriggerEvent>(event: E): E & { idempotencyKey: string } {
  return {
    ...event,
    idempotencyKey: event.idempotencyKey ?? globalThis.crypto.randomUUID(),
    ...(event.sendAt !== undefined ? { sendAt: iso(event.sendAt) } : {}),
  };
}

/**
 * The Herald API, typed. `events.trigger` only accepts catalog types with
 * their exact data; every trigger carries an idempotency key (yours or a
 * generated one), so a retry after a network error never sends twice.
 */
export class Herald {
  private readonly http: Http;

  constructor(options: HeraldOptions) {
    if (!options.apiKey) throw new Error("Herald: apiKey is required");
    this.http = new Http({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl ?? "http://localhost:3000",
      maxRetries: options.maxRetries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 250,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    });
  }

  readonly events = {
    /** Triggers one event; answers once Herald has recorded it (202). */
    trigger: async (event: TriggerEvent): Promise<TriggerResult> => {
      const body = withKey(event);
      const res = await this.http.request<{ eventId: string }>("POST", "/v1/events", {
        body,
        retryable: true,
      });
      return {
        eventId: res.body.eventId,
        replayed: res.headers.get("idempotent-replayed") === "true",
        idempotencyKey: body.idempotencyKey,
      };
    },
    /** Up to 1,000 events; each is accepted or rejected on its own. */
    batch: async (events: TriggerEvent[]): Promise<BatchResult> =>
      (
        await this.http.request<BatchResult>("POST", "/v1/events/batch", {
          body: { events: events.map(withKey) },
          retryable: true,
        })
      ).body,
    get: async (eventId: string): Promise<HeraldEvent> =>
      (await this.http.request<HeraldEvent>("GET", `/v1/events/${seg(eventId)}`, { retryable: true })).body,
  };

  readonly notifications = {
    list: async (filter: NotificationFilter = {}): Promise<Page<Notification>> =>
      (
        await this.http.request<Page<Notification>>("GET", "/v1/notifications", {
          query: { ...filter, since: iso(filter.since), until: iso(filter.until) },
          retryable: true,
        })
      ).body,
    /** Every matching notification, page by page. */
    listAll: async function* (this: Herald, filter: NotificationFilter = {}): AsyncGenerator<Notification> {
      let cursor: string | undefined = filter.cursor;
      do {
        const page: Page<Notification> = await this.notifications.list({
          ...filter,
          ...(cursor ? { cursor } : {}),
        });
        yield* page.data;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }.bind(this),
    get: async (notificationId: string): Promise<NotificationWithTimeline> =>
      (
        await this.http.request<NotificationWithTimeline>("GET", `/v1/notifications/${seg(notificationId)}`, {
          retryable: true,
        })
      ).body,
    /** Cancels a scheduled or queued notification (409 once sent). */
    cancel: async (notificationId: string): Promise<Notification> =>
      (
        await this.http.request<Notification>("DELETE", `/v1/notifications/${seg(notificationId)}`, {
          retryable: true,
        })
      ).body,
  };

  readonly users = {
    upsert: async (userId: string, fields: UserFields): Promise<User> =>
      (await this.http.request<User>("PUT", `/v1/users/${seg(userId)}`, { body: fields, retryable: true }))
        .body,
    get: async (userId: string): Promise<User> =>
      (await this.http.request<User>("GET", `/v1/users/${seg(userId)}`, { retryable: true })).body,
    /** Erases the user's personal data and devices; anonymised delivery counts remain. */
    erase: async (userId: string): Promise<void> => {
      await this.http.request<void>("DELETE", `/v1/users/${seg(userId)}`, { retryable: true });
    },
    /**
     * The user's inbox token, for their browser: plain (never expires) unless
     * `expiresIn` (`"15m"`, `"1h"`, `"7d"`) asks for an expiring one or the
     * server sets `USER_TOKEN_MAX_AGE`.
     */
    token: async (userId: string, options: { expiresIn?: string } = {}): Promise<UserToken> =>
      (
        await this.http.request<UserToken>("GET", `/v1/users/${seg(userId)}/token`, {
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
        await this.http.request<{ userId: string; revokedBefore: string }>(
          "POST",
          `/v1/users/${seg(userId)}/token/revoke`,
          { retryable: true },
        )
      ).body,
  };

  readonly preferences = {
    get: async (userId: string): Promise<Preferences> =>
      (
        await this.http.request<Preferences>("GET", `/v1/users/${seg(userId)}/preferences`, {
          retryable: true,
        })
      ).body,
    update: async (userId: string, update: PreferencesUpdate): Promise<Preferences> =>
      (
        await this.http.request<Preferences>("PUT", `/v1/users/${seg(userId)}/preferences`, {
          body: update,
          retryable: true,
        })
      ).body,
  };

  readonly topics = {
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
      for (let i = 0; i < subscribers.length; i += TOPIC_PAGE) {
        const res = await this.http.request<{ topic: string; added: number }>(
          "POST",
          `/v1/topics/${seg(key)}/subscribers`,
          { body: { subscribers: subscribers.slice(i, i + TOPIC_PAGE) }, retryable: true },
        );
        added += res.body.added;
      }
      return { topic: key, added };
    },
    /** Unsubscribes users (1,000 per request); `removed` counts those that were subscribed. An unknown topic fails with `not_found`. */
    unsubscribe: async (key: string, userIds: string[]): Promise<{ removed: number }> => {
      let removed = 0;
      for (let i = 0; i < userIds.length; i += TOPIC_PAGE) {
        const res = await this.http.request<{ removed: number }>(
          "DELETE",
          `/v1/topics/${seg(key)}/subscribers`,
          {
            body: { userIds: userIds.slice(i, i + TOPIC_PAGE) },
            retryable: true,
          },
        );
        removed += res.body.removed;
      }
      return { removed };
    },
    get: async (key: string): Promise<Topic> =>
      (await this.http.request<Topic>("GET", `/v1/topics/${seg(key)}`, { retryable: true })).body,
    /** One page of a topic's subscribers (`limit` default 100, at most 1,000). */
    subscribers: async (
      key: string,
      page: { cursor?: string; limit?: number } = {},
    ): Promise<Page<TopicSubscription>> =>
      (
        await this.http.request<Page<TopicSubscription>>("GET", `/v1/topics/${seg(key)}/subscribers`, {
          query: page,
          retryable: true,
        })
      ).body,
  };

  readonly devices = {
    /** Registers a push target; registering the same subscription/token again is harmless. */
    register: async (userId: string, device: NewDevice): Promise<Device> =>
      (
        await this.http.request<Device>("POST", `/v1/users/${seg(userId)}/devices`, {
          body: device,
          retryable: true,
        })
      ).body,
    remove: async (userId: string, deviceId: string): Promise<void> => {
      await this.http.request<void>("DELETE", `/v1/users/${seg(userId)}/devices/${seg(deviceId)}`, {
        retryable: true,
      });
    },
  };
}
