/** One item of the feed, as `GET /v1/users/:userId/inbox` and the stream's `notification` event carry it. */
export interface InboxItem {
  id: string;
  type: string;
  category: string;
  title: string;
  body: string;
  url?: string;
  data?: Record<string, unknown>;
  status: string;
  read: boolean;
  seen: boolean;
  archived: boolean;
  createdAt: string;
  sentAt?: string;
  readAt?: string;
  seenAt?: string;
  archivedAt?: string;
}

/** The user's counts over items not archived. */
export interface InboxCounts {
  unread: number;
  unseen: number;
  total: number;
}

/**
 * `connecting`: the first stream is opening. `live`: the stream is open.
 * `reconnecting`: it dropped (or its token is being renewed) and is reopening.
 * `closed`: `close()` was called, the token cannot be renewed, or the store
 * was created without a stream (`live: false`).
 */
export type InboxConnection = "connecting" | "live" | "reconnecting" | "closed";

/** What went wrong last, for the UI. `unauthorized`: the token was refused and cannot be renewed. */
export interface InboxError {
  kind: "unauthorized" | "forbidden" | "network" | "server" | "action";
  message: string;
  /** The HTTP status, when there was a response. */
  status?: number;
}

export interface InboxState {
  /** Newest first; archived items are left out, as the feed leaves them out. */
  items: InboxItem[];
  counts: InboxCounts;
  connection: InboxConnection;
  /** More (older) items can be fetched with `loadMore()`. */
  hasMore: boolean;
  /** Where `loadMore()` continues; null once the end is reached. */
  cursor: string | null;
  /** A page is being fetched. */
  loading: boolean;
  /** The first page has arrived at least once. */
  loaded: boolean;
  error: InboxError | null;
}

export type Channel = "email" | "sms" | "push" | "in_app";
export type ChannelSwitches = Partial<Record<Channel, boolean>>;
export type DigestMode = "instant" | "daily" | "weekly";

/** The user's preferences, as `GET /v1/users/:userId/preferences` answers them. */
export interface Preferences {
  channels: ChannelSwitches;
  categories: Record<string, { enabled?: boolean; channels?: ChannelSwitches; digest?: DigestMode }>;
  types: Record<string, { enabled?: boolean; channels?: ChannelSwitches }>;
  quietHours: { start: string; end: string; timezone?: string } | null;
  digestTime: string;
  unsubscribedAll: boolean;
}

type Clearable<T> = { [K in keyof T]?: T[K] | null };

/** A `PUT` body: any subset; `null` clears an override so it inherits again (JSON merge patch). */
export interface PreferencesPatch {
  channels?: Clearable<ChannelSwitches> | null;
  categories?: Record<
    string,
    {
      enabled?: boolean | null;
      channels?: Clearable<ChannelSwitches> | null;
      digest?: DigestMode | null;
    } | null
  > | null;
  types?: Record<
    string,
    { enabled?: boolean | null; channels?: Clearable<ChannelSwitches> | null } | null
  > | null;
  quietHours?: { start: string; end: string; timezone?: string } | null;
  digestTime?: string | null;
  unsubscribedAll?: boolean;
}
