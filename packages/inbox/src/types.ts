import type { InboxCounts, InboxItem, Preferences, PreferencesUpdate } from "@herald/client";

// The shapes the API answers are @herald/client's, which its contract test holds to the API's schemas.
export type { InboxCounts, InboxItem, Preferences };
/** A `PUT` body: any subset; `null` clears an override so it inherits again (JSON merge patch). */
export type PreferencesPatch = PreferencesUpdate;

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

/** The archived items, newest first, loaded on demand (`loadArchived()`, `loadMoreArchived()`). */
export interface ArchivedItems {
  items: InboxItem[];
  /** Where `loadMoreArchived()` continues; null once the end is reached. */
  cursor: string | null;
  hasMore: boolean;
  loading: boolean;
  /** The first archived page has arrived: items archived from now on join the list. */
  loaded: boolean;
}

export interface InboxState {
  /** Newest first; archived items are left out, as the feed leaves them out. */
  items: InboxItem[];
  /** The archived items, apart from the feed. Empty (`loaded: false`) until `loadArchived()`. */
  archive: ArchivedItems;
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
