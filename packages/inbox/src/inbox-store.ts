import type { InboxState, Preferences, PreferencesPatch } from "./types.ts";

export interface CreateInboxOptions {
  /** Where Herald's API is, e.g. `https://herald.example.com` (its `PUBLIC_URL`). */
  baseUrl: string;
  /** The app's own id of the signed-in user. */
  userId: string;
  /**
   * A fixed user token. Without `getToken`, a refusal (401: expired or
   * revoked) ends in `error.kind === "unauthorized"` and `connection: "closed"`.
   */
  token?: string;
  /**
   * Fetches a token from the app's backend (which calls
   * `GET /v1/users/:userId/token?expiresIn=…`). Called at start when `token`
   * is not given, and again whenever Herald refuses the current token
   * (`token_expired`, `token_revoked`, a 401); the stream then reopens where
   * it left off, so nothing sent meanwhile is lost.
   */
  getToken?: () => Promise<string>;
  /** Items per page, 1–100. Default 20. */
  pageSize?: number;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default `globalThis.EventSource`. With none, or `live: false`, the store only fetches. */
  EventSource?: typeof EventSource;
  /** Open the live stream. Default true. */
  live?: boolean;
  /** First wait before reopening a stream that could not be reopened by itself; doubles up to 30 s. Default 1000 ms. */
  retryDelayMs?: number;
}

export interface InboxStore {
  /** The current state; the same object until something changes. */
  getState(): InboxState;
  /** Called after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** The next (older) page, if any. */
  loadMore(): Promise<void>;
  /** The first page again (older pages are dropped). */
  refresh(): Promise<void>;
  /** The item read, at once; undone if Herald refuses. Resolves false then, with `error.kind === "action"`. */
  markRead(id: string): Promise<boolean>;
  /**
   * The items seen, at once: one request per 100 ids, each undone alone if
   * Herald refuses it. Resolves true only if every request succeeded.
   * `<Inbox />` calls it for what it shows when opened, so it leaves an
   * earlier error shown.
   */
  markSeen(ids: string | readonly string[]): Promise<boolean>;
  archive(id: string): Promise<boolean>;
  /**
   * A read item unread again, at once (its status stays READ, as on the
   * server); undone if Herald refuses. An unread item stays as it is.
   */
  markUnread(id: string): Promise<boolean>;
  /**
   * An archived item back in the feed, in its place (at once when the
   * archived list holds it; otherwise with Herald's answer); undone if
   * Herald refuses. Works for an item not loaded in the archived list too.
   */
  unarchive(id: string): Promise<boolean>;
  /** The first page of archived items into `state.archive` (again: the list is refetched). */
  loadArchived(): Promise<void>;
  /** The next page of archived items, if any. */
  loadMoreArchived(): Promise<void>;
  markAllRead(): Promise<boolean>;
  /** The user's own preferences (same token, renewed alike). Rejects with an `InboxRequestError`. */
  getPreferences(): Promise<Preferences>;
  /** Changes some of them (a merge patch: `null` clears an override) and resolves with the result. */
  updatePreferences(patch: PreferencesPatch): Promise<Preferences>;
  /** Closes the stream and stops every timer; the state stays readable. */
  close(): void;
}
