import { MAX_SEEN_IDS } from "@herald/domain";
import { archivedLoader } from "./archived-loader.ts";
import { itemsUnarchived } from "./inbox-archive-state.ts";
import { type InboxClient, inboxClient } from "./inbox-client.ts";
import { itemsConfirmed } from "./inbox-confirm.ts";
import { describeError, isFatal } from "./inbox-errors.ts";
import {
  allRead,
  allSeen,
  connectionChanged,
  countsChanged,
  failed,
  type InboxChange,
  type InboxPage,
  initialInboxState,
  itemArrived,
  itemsArchived,
  itemsRead,
  itemsSeen,
  itemsUnread,
  loadingStarted,
  type PageMode,
  pageLoaded,
  restoreAllRead,
  rolledBack,
  seenUndone,
} from "./inbox-state.ts";
import type { CreateInboxOptions, InboxStore } from "./inbox-store.ts";
import { type InboxStream, type InboxStreamEvent, openInboxStream } from "./inbox-stream.ts";
import { itemActions } from "./item-actions.ts";
import { tokenSource } from "./token-source.ts";
import type { InboxCounts, InboxError, InboxState } from "./types.ts";

const MAX_RETRY_MS = 30_000;

/** The user's inbox in the browser: state, live updates, and actions. See {@link CreateInboxOptions}. */
export function createInbox(options: CreateInboxOptions): InboxStore {
  const pageSize = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? 20)));
  const tokens = tokenSource(options.token, options.getToken);
  const client: InboxClient = inboxClient({
    baseUrl: options.baseUrl,
    userId: options.userId,
    tokens,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  const live = options.live !== false && EventSourceImpl !== undefined;
  const retryDelayMs = options.retryDelayMs ?? 1000;

  // Without a stream there is nothing to connect: "closed" from the start, the feed still fetched.
  let state = live ? initialInboxState() : connectionChanged(initialInboxState(), "closed");
  const listeners = new Set<() => void>();
  const set = (next: InboxState) => {
    if (next === state) return;
    state = next;
    for (const l of [...listeners]) l();
  };

  let closed = false;
  let stream: InboxStream | null = null;
  let lastEventId: string | null = null;
  let retries = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every first-page load: an older load's answer, or a loadMore begun before it, is dropped. */
  let generation = 0;
  /**
   * Stream changes that arrived while a first page was on its way: the page
   * may predate them, so they are applied again on top of it (each is idempotent).
   */
  let sincePageRequest: InboxChange[] | null = null;
  /**
   * For each optimistic request out, what the server has said since it was
   * sent (the stream's changes, fetched pages): its undo, if it fails, must
   * not take any of it back.
   */
  const outstanding = new Set<InboxChange[]>();
  const confirmed = (change: InboxChange) => {
    for (const said of outstanding) said.push(change);
  };

  const stop = (error: InboxError) => {
    stream?.close();
    stream = null;
    clearTimeout(retryTimer);
    set(connectionChanged(failed(state, error), "closed"));
  };

  const apply = (change: InboxChange) => {
    sincePageRequest?.push(change);
    confirmed(change);
    set(change(state));
  };

  /**
   * Optimistic changes in flight. Counts the server sends meanwhile (the
   * stream's, another action's answer, a page's) may predate them and would
   * undo them on screen: the latest is held and applied once none is in flight
   * (after a success, it includes the change; after a failure, it does not).
   */
  let inFlight = 0;
  let heldCounts: InboxCounts | null = null;
  const serverCounts = (counts: InboxCounts) => {
    if (inFlight > 0) heldCounts = counts;
    else apply((s) => countsChanged(s, counts));
  };
  /** A fetched page, its counts held like the others while changes are in flight. */
  const setPage = (next: InboxState, page: InboxPage) => {
    confirmed((s) => itemsConfirmed(s, page.data));
    if (inFlight > 0) {
      heldCounts = next.counts;
      set({ ...next, counts: state.counts });
    } else set(next);
  };

  function onStreamEvent(e: InboxStreamEvent) {
    switch (e.type) {
      case "ready":
        retries = 0;
        set(connectionChanged(state, "live"));
        if (state.error && state.error.kind !== "action") set(failed(state, null));
        return;
      case "position":
        // A fresh stream's position is "now": a first page fetched from here on misses nothing in between.
        if (!state.loaded && !state.loading) void refresh();
        return;
      case "notification":
        return apply((s) => itemArrived(s, e.item));
      case "read":
        return apply((s) => itemsRead(s, e.ids));
      case "read_all":
        return apply((s) => allRead(s));
      case "seen":
        return apply((s) => itemsSeen(s, e.ids));
      case "seen_all":
        return apply((s) => allSeen(s));
      case "archived":
        return apply((s) => itemsArchived(s, e.ids));
      case "unread":
        return apply((s) => itemsUnread(s, e.ids));
      case "unarchived":
        return apply((s) => itemsUnarchived(s, e.items, e.ids));
      case "counts":
        return serverCounts(e.counts);
      case "resync":
        // More was missed than the server keeps: the feed is refetched.
        void refresh();
        return;
      case "token_expired":
      case "token_revoked":
        void renewAndReopen();
        return;
    }
  }

  async function openStream() {
    if (closed || !live) return;
    let token: string;
    try {
      token = await tokens.current();
    } catch (err) {
      // The app's backend did not hand out a token this time: try again later.
      set(failed(state, { kind: "network", message: `getToken() failed: ${(err as Error).message}` }));
      return scheduleReopen();
    }
    if (closed) return;
    stream?.close();
    const mine = openInboxStream(client.streamUrl(token, lastEventId), EventSourceImpl, {
      onEvent: (e) => {
        if (stream === mine) onStreamEvent(e);
      },
      onPosition: (id) => {
        if (stream === mine) lastEventId = id;
      },
      onError: (gaveUp) => {
        if (stream !== mine) return;
        set(connectionChanged(state, "reconnecting"));
        if (gaveUp) {
          stream = null;
          void diagnose();
        }
      },
    });
    stream = mine;
  }

  /** The token ran out or was revoked: a new one, and a new stream resuming after the last event. */
  async function renewAndReopen() {
    stream?.close();
    stream = null;
    set(connectionChanged(state, "reconnecting"));
    if (!tokens.renewable) {
      return stop({
        kind: "unauthorized",
        message: "The inbox token expired or was revoked, and cannot be renewed.",
      });
    }
    try {
      await tokens.renew();
    } catch (err) {
      set(failed(state, { kind: "network", message: `getToken() failed: ${(err as Error).message}` }));
      return scheduleReopen();
    }
    await openStream();
  }

  /**
   * EventSource gave up, which hides the status. A page fetch tells why (and
   * renews a refused token on the way): fatal refusals stop; anything else
   * reopens later, the page having caught up on what was missed.
   */
  async function diagnose() {
    if (closed) return;
    // The stream's reopening replays what was missed: the older pages the user loaded stay.
    await reload("merge");
    if (closed || (state.error && isFatal(state.error) && state.connection === "closed")) return;
    scheduleReopen();
  }

  function scheduleReopen() {
    if (closed) return;
    set(connectionChanged(state, "reconnecting"));
    const wait = Math.min(MAX_RETRY_MS, retryDelayMs * 2 ** retries);
    retries++;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void openStream(), wait);
  }

  /** The first page again: `refresh()` and a resync drop the older pages, `diagnose()` keeps them. */
  async function reload(mode: Exclude<PageMode, "append"> = "replace") {
    if (closed) return;
    const mine = ++generation;
    const replay: InboxChange[] = [];
    sincePageRequest = replay;
    set(loadingStarted(state));
    try {
      const page = await client.page({ limit: pageSize });
      if (mine !== generation || closed) return;
      let next = pageLoaded(state, page, mode);
      for (const change of replay) next = change(next);
      setPage(next, page);
      // The archived list shown is as stale as the feed was (a resync, a stream that dropped).
      if (state.archive.loaded) void archived.load();
    } catch (err) {
      if (mine !== generation || closed) return;
      const error = describeError(err);
      if (isFatal(error)) stop(error);
      else set(failed(state, error));
    } finally {
      if (sincePageRequest === replay) sincePageRequest = null;
    }
  }

  const refresh = () => reload("replace");

  async function loadMore() {
    if (closed || !state.hasMore || state.loading || !state.cursor) return;
    const mine = generation;
    set(loadingStarted(state));
    try {
      const page = await client.page({ cursor: state.cursor, limit: pageSize });
      if (mine === generation && !closed) setPage(pageLoaded(state, page, "append"), page);
    } catch (err) {
      if (mine !== generation || closed) return;
      const error = describeError(err);
      if (isFatal(error)) stop(error);
      else set(failed(state, error));
    }
  }

  /**
   * Applies `change` at once; undoes it if the request fails, except what
   * the server confirmed meanwhile (see {@link rolledBack}). A failed
   * change's message stays until the user's next change (`clears`), not until
   * any request succeeds: a background `seen` answering late would otherwise
   * hide it before it is read.
   */
  async function optimistic(
    change: (s: InboxState) => InboxState,
    undo: (s: InboxState) => InboxState,
    request: () => Promise<void>,
    clears = true,
  ): Promise<boolean> {
    const next = change(state);
    set(clears && next.error?.kind === "action" ? failed(next, null) : next);
    inFlight++;
    const said: InboxChange[] = [];
    outstanding.add(said);
    try {
      await request();
      return true;
    } catch (err) {
      const error = describeError(err);
      set(failed(rolledBack(state, undo, said), isFatal(error) ? error : { ...error, kind: "action" }));
      if (isFatal(error)) stop(error);
      return false;
    } finally {
      outstanding.delete(said);
      inFlight--;
      if (inFlight === 0 && heldCounts) {
        const counts = heldCounts;
        heldCounts = null;
        serverCounts(counts);
      }
    }
  }

  const changeItem = itemActions({ client, getState: () => state, set, optimistic, confirmed, serverCounts });

  /**
   * Up to MAX_SEEN_IDS items seen in one request: shown at once, unseen again
   * if it fails. Leaves an earlier error shown (`clears` false): the feed
   * sends it by itself on opening, not the user.
   */
  const seeBatch = (ids: string[]) => {
    const wanted = new Set(ids);
    const before = state.items.filter((i) => wanted.has(i.id));
    return optimistic(
      (s) => itemsSeen(s, ids),
      (s) => seenUndone(s, before),
      async () => {
        const r = await client.seen(ids);
        // Seen on the server now (those already were too): another change's undo must not unsee them.
        confirmed((s) => itemsSeen(s, ids));
        serverCounts(r.counts);
      },
      false,
    );
  };

  const archived = archivedLoader({
    client,
    pageSize,
    getState: () => state,
    set,
    fail(err) {
      const error = describeError(err);
      if (isFatal(error)) stop(error);
      else set(failed(state, error));
    },
    closed: () => closed,
  });

  if (live) void openStream();
  else void refresh();

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    loadMore,
    refresh,
    markRead: (id) => changeItem(id, "read"),
    markUnread: (id) => changeItem(id, "unread"),
    unarchive: (id) => changeItem(id, "unarchive"),
    loadArchived: () => archived.load(),
    loadMoreArchived: () => archived.loadMore(),
    async markSeen(ids) {
      // Each id once, so that a batch's copies "before" are taken before any batch changed them.
      const list = typeof ids === "string" ? [ids] : [...new Set(ids)];
      const batches: Promise<boolean>[] = [];
      for (let start = 0; start < list.length; start += MAX_SEEN_IDS)
        batches.push(seeBatch(list.slice(start, start + MAX_SEEN_IDS)));
      return (await Promise.all(batches)).every(Boolean);
    },
    archive: (id) => changeItem(id, "archive"),
    markAllRead() {
      const before = state.items;
      const counts = state.counts;
      return optimistic(
        (s) => allRead(s),
        (s) => restoreAllRead(s, before, counts),
        async () => {
          // Not recorded for other changes' undo, unlike an item's answer: an item the stream announced
          // before this answer may postdate the read-all. The stream's own `read_all` comes in order.
          const r = await client.readAll();
          serverCounts(r.counts);
        },
      );
    },
    getPreferences: () => client.preferences(),
    updatePreferences: (patch) => client.updatePreferences(patch),
    close() {
      closed = true;
      stream?.close();
      stream = null;
      clearTimeout(retryTimer);
      set(connectionChanged(state, "closed"));
    },
  };
}
