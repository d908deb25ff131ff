import { apiKeysApi } from "./api-keys.ts";
import { auditLogApi } from "./audit-log.ts";
import { deadLettersApi } from "./dead-letters.ts";
import { everyItem, flag, Http, iso, seg } from "./http.ts";
import { inboxApi } from "./inbox.ts";
import type { Stats, StatsFilter } from "./ops-types.ts";
import { schedulesApi } from "./schedules.ts";
import { suppressionsApi } from "./suppressions.ts";
import { topicsApi } from "./topics.ts";
import type {
  BatchResult,
  Device,
  EventMiss,
  HeraldEvent,
  NewDevice,
  Notification,
  NotificationFilter,
  NotificationWithTimeline,
  Page,
  PageOptions,
  Preferences,
  PreferencesUpdate,
  TriggerEvent,
  TriggerResult,
} from "./types.ts";
import { usersApi } from "./users.ts";
import { webhookEndpointsApi } from "./webhook-endpoints.ts";

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

/** `/v1/stats` counts by UTC day: a Date stands for its UTC day. */
const utcDay = (d: string | Date | undefined) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

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
  readonly users: ReturnType<typeof usersApi>;
  readonly deadLetters: ReturnType<typeof deadLettersApi>;
  readonly inbox: ReturnType<typeof inboxApi>;
  readonly suppressions: ReturnType<typeof suppressionsApi>;
  readonly apiKeys: ReturnType<typeof apiKeysApi>;
  readonly topics: ReturnType<typeof topicsApi>;
  /** Recurring schedules: each run triggers an event. */
  readonly schedules: ReturnType<typeof schedulesApi>;
  readonly auditLog: ReturnType<typeof auditLogApi>;
  /** Status webhook endpoints (admin keys). */
  readonly webhookEndpoints: ReturnType<typeof webhookEndpointsApi>;

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
    this.users = usersApi(this.http);
    this.deadLetters = deadLettersApi(this.http);
    this.inbox = inboxApi(this.http);
    this.suppressions = suppressionsApi(this.http);
    this.apiKeys = apiKeysApi(this.http);
    this.auditLog = auditLogApi(this.http);
    this.webhookEndpoints = webhookEndpointsApi(this.http);
    this.topics = topicsApi(this.http);
    this.schedules = schedulesApi(this.http);
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
    /**
     * Cancels an event: its notifications not sent yet are canceled, and one
     * not routed yet makes none. Answers the event (`status: "canceled"`) with
     * its notifications, which tell what had already gone out. A canceled
     * event is answered the same again. `not_found` (404) when unknown.
     */
    cancel: async (eventId: string): Promise<HeraldEvent> =>
      (
        await this.http.request<HeraldEvent>("DELETE", `/v1/events/${seg(eventId)}`, {
          // A repeat after a lost answer answers the same: the cancel is idempotent.
          retryable: true,
        })
      ).body,
    /** One page of a topic event's subscribers who got nothing (every channel skipped), by user, with why. */
    misses: async (eventId: string, page: PageOptions = {}): Promise<Page<EventMiss>> =>
      (
        await this.http.request<Page<EventMiss>>("GET", `/v1/events/${seg(eventId)}/misses`, {
          query: { ...page },
          retryable: true,
        })
      ).body,
    /**
     * Routes a failed event again once its cause is fixed (a type or template
     * deployed late): back to `accepted`, with fresh attempts. `conflict` (409)
     * unless it failed.
     */
    retry: async (eventId: string): Promise<Omit<HeraldEvent, "notifications" | "fanout">> =>
      (
        await this.http.request<Omit<HeraldEvent, "notifications" | "fanout">>(
          "POST",
          `/v1/events/${seg(eventId)}/retry`,
          // Not repeated: after a lost answer the repeat is refused 409 (accepted by then) though the first worked.
          { retryable: false },
        )
      ).body,
    /** Every subscriber a topic event reached with nothing, page by page. */
    allMisses: (eventId: string, page: PageOptions = {}): AsyncGenerator<EventMiss> =>
      everyItem(page.cursor, (cursor) => this.events.misses(eventId, { ...page, cursor })),
  };

  readonly notifications = {
    list: async (filter: NotificationFilter = {}): Promise<Page<Notification>> =>
      (
        await this.http.request<Page<Notification>>("GET", "/v1/notifications", {
          query: {
            ...filter,
            since: iso(filter.since),
            until: iso(filter.until),
            failedForGood: flag(filter.failedForGood),
          },
          retryable: true,
        })
      ).body,
    /** Every matching notification, page by page. */
    listAll: (filter: NotificationFilter = {}): AsyncGenerator<Notification> =>
      everyItem(filter.cursor, (cursor) => this.notifications.list({ ...filter, cursor })),
    get: async (notificationId: string): Promise<NotificationWithTimeline> =>
      (
        await this.http.request<NotificationWithTimeline>("GET", `/v1/notifications/${seg(notificationId)}`, {
          retryable: true,
        })
      ).body,
    /**
     * Cancels a scheduled or queued notification; a canceled one is answered
     * again. `conflict` (409) once sent, or while a worker is sending it.
     */
    cancel: async (notificationId: string): Promise<Notification> =>
      (
        await this.http.request<Notification>("DELETE", `/v1/notifications/${seg(notificationId)}`, {
          retryable: true,
        })
      ).body,
    /**
     * Moves a SCHEDULED notification to `sendAt`; a time already past sends
     * it at once. `conflict` (409) once it is no longer scheduled.
     */
    reschedule: async (notificationId: string, sendAt: Date | string): Promise<Notification> =>
      (
        await this.http.request<Notification>("PATCH", `/v1/notifications/${seg(notificationId)}`, {
          body: { sendAt: iso(sendAt) },
          // A repeat asks for the same time again; at worst one that was sent at once is answered 409.
          retryable: true,
        })
      ).body,
  };

  /**
   * Delivery counts and rates by UTC day, channel and type, from a rollup:
   * as cheap for a year as for a day. Default range: the last 30 days.
   */
  readonly stats = async (filter: StatsFilter = {}): Promise<Stats> =>
    (
      await this.http.request<Stats>("GET", "/v1/stats", {
        query: { ...filter, from: utcDay(filter.from), to: utcDay(filter.to) },
        retryable: true,
      })
    ).body;

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
