import type { Channel, Priority } from "@herald/domain";
import type { CatalogData, NotificationTypeName } from "@herald/templates";

export type { Channel, Priority };
export type NotificationStatus =
  | "PENDING"
  | "SCHEDULED"
  | "QUEUED"
  | "SENT"
  | "DELIVERED"
  | "READ"
  | "FAILED"
  | "DEAD"
  | "SUPPRESSED"
  | "CANCELED"
  | "DIGESTED"
  | "BOUNCED"
  | "COMPLAINED";

/** Recipient fields; `null` clears one, a field left out keeps its value. */
export interface UserFields {
  email?: string | null;
  phone?: string | null;
  locale?: string | null;
  timezone?: string | null;
  properties?: Record<string, unknown>;
}

/** Who an event is for: one user, or every subscriber of a topic (fanned out by the workers). */
type EventTarget =
  | {
      /** Herald's app-side user id (your own id for the user). */
      userId: string;
      topic?: never;
      /** Upsert the recipient's contact data with the event. */
      user?: UserFields;
    }
  | {
      /** A topic key: the event goes to everyone subscribed when it is accepted. */
      topic: string;
      userId?: never;
      user?: never;
    };

interface EventOptions {
  /** Same key → same event, never two. The client makes one when you give none, so its retries are safe. */
  idempotencyKey?: string;
  priority?: Priority;
  /** Send later (ISO time or Date). */
  sendAt?: string | Date;
  /** Restrict to these of the type's channels. */
  channels?: Channel[];
  dedupKey?: string;
}

/**
 * An event of one catalog type with exactly that type's data: the union over
 * the catalog makes a wrong `type`, a missing field, a field of the wrong type
 * or an unknown field a compile-time error.
 */
export type TriggerEvent = {
  [K in NotificationTypeName]: EventOptions & EventTarget & { type: K; data: CatalogData[K] };
}[NotificationTypeName];

export interface TriggerResult {
  eventId: string;
  /** True when Herald had seen this idempotency key and answered with the first event. */
  replayed: boolean;
  idempotencyKey: string;
}

export interface BatchItemResult {
  index: number;
  /** 202 accepted, or the item's error status. */
  status: number;
  eventId?: string;
  error?: { code: string; message: string; details?: { path: string; message: string }[] };
}

export interface BatchResult {
  accepted: number;
  rejected: number;
  results: BatchItemResult[];
}

export interface Notification {
  id: string;
  eventId: string;
  userId: string;
  type: string;
  category: string;
  channel: Channel;
  priority: Priority;
  status: NotificationStatus;
  reason?: string;
  provider?: string;
  providerMessageId?: string;
  /**
   * The provider an earlier attempt may have left the message with, without
   * it saying so: later attempts go to it alone, with the same idempotency
   * key. Absent when there is none.
   */
  pinnedProvider?: string;
  retryCount: number;
  lastError?: string;
  content: Record<string, unknown>;
  createdAt: string;
  scheduledAt?: string;
  sentAt?: string;
  deliveredAt?: string;
  readAt?: string;
  /** When a tracked link in it was first followed (e-mail click, push click). */
  clickedAt?: string;
}

export interface TimelineEntry {
  status: NotificationStatus;
  at: string;
  detail: Record<string, unknown> | null;
}

export interface NotificationWithTimeline extends Notification {
  timeline: TimelineEntry[];
}

export interface HeraldEvent {
  id: string;
  type: string;
  /** The recipient; absent for an event sent to a topic. */
  userId?: string;
  topic?: string;
  data: Record<string, unknown>;
  /** Only for a dashboard support session reading a `security` event: `data` is then empty. */
  dataHidden?: true;
  priority: Priority;
  /** `canceled`: by `events.cancel`, whatever routing had done (the notifications tell what went out). */
  status: "accepted" | "routed" | "failed" | "canceled";
  sendAt?: string;
  channels?: Channel[];
  suppressed: { channel: string; reason: string }[];
  error?: string;
  createdAt: string;
  routedAt?: string;
  /** When it was first canceled. */
  canceledAt?: string;
  /** A topic event's fan-out progress, summed over its finished pages. */
  fanout?: {
    pages: number;
    pagesDone: number;
    recipients: number;
    notifications: number;
    skipped: Record<string, number>;
  };
  notifications: Notification[];
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface NotificationFilter {
  userId?: string;
  eventId?: string;
  type?: string;
  channel?: Channel;
  status?: NotificationStatus;
  since?: string | Date;
  until?: string | Date;
  /**
   * Only FAILED ones: `true` those that failed for good (not retried until an
   * operator retries them), `false` those waiting for their next attempt.
   */
  failedForGood?: boolean;
  /** 1–200, default 50. */
  limit?: number;
  cursor?: string;
}

export interface Device {
  id: string;
  kind: "webpush" | "fcm" | "apns";
  createdAt: string;
}

export type NewDevice =
  | { kind: "webpush"; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } }
  | { kind: "fcm" | "apns"; token: string };

/** A user's inbox token (`GET /v1/users/:userId/token`). */
export interface UserToken {
  userId: string;
  token: string;
  /** Null for a plain token, which never expires. */
  expiresAt: string | null;
}

export interface User {
  id: string;
  userId: string;
  email: string | null;
  phone: string | null;
  locale: string | null;
  timezone: string | null;
  properties: Record<string, unknown>;
  devices: Device[];
  createdAt: string;
  updatedAt: string;
  /** When the user's inbox tokens were last revoked (or the id erased); null: never. */
  tokensRevokedAt: string | null;
}

type ChannelSwitches = Partial<Record<Channel, boolean>>;

export interface Preferences {
  channels: ChannelSwitches;
  categories: Record<
    string,
    { enabled?: boolean; channels?: ChannelSwitches; digest?: "instant" | "daily" | "weekly" }
  >;
  types: Record<string, { enabled?: boolean; channels?: ChannelSwitches }>;
  quietHours: { start: string; end: string; timezone?: string } | null;
  /** Local time of the user's digests, `HH:MM`; `09:00` until set. */
  digestTime: string;
  unsubscribedAll: boolean;
  /**
   * Read-only: what the operator made opt-in (`OPT_IN_CATEGORIES`,
   * `OPT_IN_CHANNELS`). Such a category or channel is off until a `true`
   * turns it on (an unset switch is off); everything else is on until a
   * `false`. Accepted back in an update and ignored.
   */
  optIn: { categories: string[]; channels: string[] };
}

/** Channel switches in an update: `null` clears one, so the broader setting applies (type → category → channel → on). */
type ChannelSwitchesUpdate = Partial<Record<Channel, boolean | null>>;

/**
 * Any subset of {@link Preferences}; parts left out keep their value.
 * `channels`, `categories` and `types` merge key by key (JSON merge patch):
 * `null` clears an override so the setting inherits again, e.g.
 * `{types: {weekly_promo: {channels: {email: null}}}}` or `{types: {weekly_promo: null}}`.
 */
export interface PreferencesUpdate {
  channels?: ChannelSwitchesUpdate | null;
  categories?: Record<
    string,
    {
      enabled?: boolean | null;
      channels?: ChannelSwitchesUpdate | null;
      /** `null`: instant again. */
      digest?: "instant" | "daily" | "weekly" | null;
    } | null
  > | null;
  types?: Record<string, { enabled?: boolean | null; channels?: ChannelSwitchesUpdate | null } | null> | null;
  /** Replaced whole; `null`: no quiet hours. */
  quietHours?: { start: string; end: string; timezone?: string } | null;
  /** `HH:MM`; `null` returns to the default, `09:00`. */
  digestTime?: string | null;
  unsubscribedAll?: boolean;
  /** Read-only (see {@link Preferences.optIn}): accepted so a read, edited, goes back whole; ignored. */
  optIn?: { categories: string[]; channels: string[] };
}

/** One page of a cursor list. */
export interface PageOptions {
  /** 1–200, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * One of a user's events as `users.events` lists it: no notifications (the
 * count says how many), so support can see at once which events made nothing.
 */
export interface UserEvent extends Omit<HeraldEvent, "notifications" | "fanout"> {
  /** 0 while the event is not routed yet, or when every channel was skipped (see `suppressed`). */
  notificationCount: number;
}

export interface UserEventFilter extends PageOptions {
  /**
   * Only the events that made no notification at all (every channel skipped,
   * or routing failed): those have nothing to find in `notifications.list`;
   * with them the topic events whose fan-out skipped this user on every
   * channel (their `suppressed` is this user's). Default false: every event
   * of the user's own.
   */
  sentNothing?: boolean;
}

/** A topic the user is subscribed to. */
export interface UserTopic {
  topic: string;
  subscribedAt: string;
}

/** A subscriber a topic event reached with nothing, and why (`events.misses`). */
export interface EventMiss {
  userId: string;
  suppressed: { channel: string; reason: string }[];
}
