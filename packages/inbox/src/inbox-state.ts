import { archivedCopies, noArchivedItems, withoutArchived } from "./inbox-archive-state.ts";
import { countsDelta, newerFirst, replaced } from "./inbox-items.ts";
import type { InboxConnection, InboxCounts, InboxError, InboxItem, InboxState } from "./types.ts";

/**
 * The store's state transitions, pure: each takes a state and returns the
 * next one (or the same object when nothing changed, so subscribers are not
 * woken for nothing). Counts move with every flag that flips on a loaded item,
 * so an optimistic change shows at once and a later stream event for the same
 * change (the server's echo) moves nothing twice; the server's `counts` event,
 * which follows every burst, then sets them exactly.
 */

export interface InboxPage {
  data: InboxItem[];
  nextCursor: string | null;
  counts: InboxCounts;
}

export function initialInboxState(): InboxState {
  return {
    items: [],
    archive: noArchivedItems(),
    counts: { unread: 0, unseen: 0, total: 0 },
    connection: "connecting",
    hasMore: false,
    cursor: null,
    loading: false,
    loaded: false,
    error: null,
  };
}

/**
 * How a fetched page joins the list. `replace` (the first page: initial
 * load, `refresh()`, resync) drops the older pages but keeps live items newer
 * than the page's newest, which the stream may have delivered while the page
 * was on its way. `merge` (the first page fetched again after the stream
 * dropped, which its reopening catches up on) is `replace` that keeps the
 * older pages the user loaded, when the page reaches them. `append`
 * (loadMore) adds what is not there yet.
 */
export type PageMode = "replace" | "merge" | "append";

export function pageLoaded(state: InboxState, page: InboxPage, mode: PageMode): InboxState {
  let items: InboxItem[];
  let cursor = page.nextCursor;
  if (mode === "append") {
    const have = new Set(state.items.map((i) => i.id));
    items = [...state.items, ...page.data.filter((i) => !have.has(i.id))];
  } else {
    const newest = page.data[0];
    const ids = new Set(page.data.map((i) => i.id));
    const live = newest ? state.items.filter((i) => !ids.has(i.id) && newerFirst(i, newest) < 0) : [];
    const older = mode === "merge" ? olderPages(state, page) : [];
    // The loaded pages' cursor still continues after their oldest item (the API's cursors are keyset).
    if (older.length > 0) cursor = state.cursor;
    items = [...live, ...page.data, ...older];
  }
  items.sort(newerFirst);
  return {
    ...state,
    items,
    counts: page.counts,
    cursor,
    hasMore: cursor !== null,
    loading: false,
    loaded: true,
    error: null,
  };
}

/**
 * The loaded items older than a fresh first page, kept under it when the
 * page overlaps them: the page holds everything from its newest item down
 * to its oldest, the loaded list (contiguous from its top) everything below
 * that; what changed there meanwhile arrives as the stream's replayed
 * events. A page that overlaps none of them may have left a gap (more items
 * arrived than a page holds): none are kept then, and `loadMore()` goes on
 * from the page. None either when the page is the whole feed (no cursor).
 */
function olderPages(state: InboxState, page: InboxPage): InboxItem[] {
  const newest = page.data[0];
  const oldest = page.data.at(-1);
  if (!newest || !oldest || page.nextCursor === null) return [];
  const overlaps = state.items.some((i) => newerFirst(i, newest) >= 0 && newerFirst(i, oldest) <= 0);
  return overlaps ? state.items.filter((i) => newerFirst(i, oldest) > 0) : [];
}

/** A live item from the stream: added in its place, or replacing the copy already shown (no duplicates). */
export function itemArrived(state: InboxState, item: InboxItem): InboxState {
  if (item.archived) return itemsArchived(state, [item.id]);
  const existing = state.items.find((i) => i.id === item.id);
  const items = existing
    ? state.items.map((i) => (i.id === item.id ? item : i))
    : [...state.items, item].sort(newerFirst);
  return { ...state, items, counts: countsDelta(state.counts, existing, item) };
}

/** Sets flags on the loaded items among `ids` (all loaded items when `ids` is "all"), moving the counts. */
function patchItems(
  state: InboxState,
  ids: readonly string[] | "all",
  patch: (i: InboxItem) => InboxItem,
): InboxState {
  const wanted = ids === "all" ? null : new Set(ids);
  let counts = state.counts;
  let changed = false;
  const items = state.items.map((i) => {
    if (wanted && !wanted.has(i.id)) return i;
    const next = patch(i);
    if (next === i) return i;
    changed = true;
    counts = countsDelta(counts, i, next);
    return next;
  });
  // Archived copies follow a change of their own (a backend read one), outside the counts; "all"
  // (read-all, seen-all) leaves archived items as the server does.
  let archive = state.archive;
  if (wanted && archive.items.some((i) => wanted.has(i.id))) {
    const archived = archive.items.map((i) => (wanted.has(i.id) ? patch(i) : i));
    if (archived.some((i, n) => i !== archive.items[n])) {
      archive = { ...archive, items: archived };
      changed = true;
    }
  }
  return changed ? { ...state, items, counts, archive } : state;
}

export function itemsRead(
  state: InboxState,
  ids: readonly string[],
  at = new Date().toISOString(),
): InboxState {
  return patchItems(state, ids, markedRead(at));
}

/**
 * Read items unread again (`markUnread`, or the stream's `unread`). Only the
 * inbox's flag moves: the status stays READ, as on the server.
 */
export function itemsUnread(state: InboxState, ids: readonly string[]): InboxState {
  return patchItems(state, ids, markedUnread);
}

function markedUnread(i: InboxItem): InboxItem {
  if (!i.read) return i;
  const { readAt: _, ...rest } = i;
  return { ...rest, read: false };
}

/** An item read at `at` (one already read stays as it was). */
const markedRead =
  (at: string) =>
  (i: InboxItem): InboxItem =>
    i.read ? i : { ...i, read: true, readAt: at, status: "READ" };

/** Everything read (`read_all`, or "Mark all as read"): items not loaded are covered by the count. */
export function allRead(state: InboxState, at = new Date().toISOString()): InboxState {
  const next = patchItems(state, "all", markedRead(at));
  return next.counts.unread === 0 ? next : { ...next, counts: { ...next.counts, unread: 0 } };
}

/** An item seen at `at` (one already seen stays as it was). */
const markedSeen =
  (at: string) =>
  (i: InboxItem): InboxItem =>
    i.seen ? i : { ...i, seen: true, seenAt: at };

export function itemsSeen(
  state: InboxState,
  ids: readonly string[],
  at = new Date().toISOString(),
): InboxState {
  return patchItems(state, ids, markedSeen(at));
}

/** Everything seen (`seen_all`, from another tab or a backend): items not loaded are covered by the count. */
export function allSeen(state: InboxState, at = new Date().toISOString()): InboxState {
  const next = patchItems(state, "all", markedSeen(at));
  return next.counts.unseen === 0 ? next : { ...next, counts: { ...next.counts, unseen: 0 } };
}

/**
 * Undoes a failed `seen`: the items of `before` (copies taken before it)
 * that were unseen are unseen again. Only the seen flag moves back: an item
 * read meanwhile stays read, and seen, as reading it made it on the server.
 */
export function seenUndone(state: InboxState, before: readonly InboxItem[]): InboxState {
  const unseen = before.filter((i) => !i.seen).map((i) => i.id);
  return patchItems(state, unseen, (i) => {
    if (!i.seen || i.read) return i;
    const { seenAt: _, ...rest } = i;
    return { ...rest, seen: false };
  });
}

/** Archived items leave the feed (the API hides them) and the counts, for the archived list if it is loaded. */
export function itemsArchived(
  state: InboxState,
  ids: readonly string[],
  at = new Date().toISOString(),
): InboxState {
  const gone = new Set(ids);
  let counts = state.counts;
  const removed: InboxItem[] = [];
  const items = state.items.filter((i) => {
    if (!gone.has(i.id)) return true;
    counts = countsDelta(counts, i, undefined);
    removed.push(i);
    return false;
  });
  return archivedCopies(
    items.length === state.items.length ? state : { ...state, items, counts },
    removed,
    at,
  );
}

/**
 * Undoes a failed optimistic change: each item of `before` (copies taken
 * before the change) gets its flags back, or its place back if it was
 * removed, and the counts move back with it.
 */
export function restoreItems(state: InboxState, before: readonly InboxItem[]): InboxState {
  // An item archived optimistically is back in the feed: not in the archived list too.
  let next = withoutArchived(state, new Set(before.filter((i) => !i.archived).map((i) => i.id)));
  for (const old of before) {
    const current = next.items.find((i) => i.id === old.id);
    if (old.archived) {
      // A copy from the archived list (read or unread there): its flags back, where it is.
      next = replaced(next, old);
      continue;
    }
    if (current) {
      const restored = {
        ...current,
        read: old.read,
        seen: old.seen,
        status: old.status,
        archived: old.archived,
      };
      for (const key of ["readAt", "seenAt", "archivedAt"] as const) {
        if (old[key] === undefined) delete restored[key];
        else restored[key] = old[key];
      }
      next = {
        ...next,
        items: next.items.map((i) => (i.id === old.id ? restored : i)),
        counts: countsDelta(next.counts, current, restored),
      };
    } else {
      next = {
        ...next,
        items: [...next.items, old].sort(newerFirst),
        counts: countsDelta(next.counts, undefined, old),
      };
    }
  }
  return next;
}

/**
 * Undoes a failed "mark all as read": the loaded items it flipped, and the
 * unread count of the items not loaded (`counts` and `before`: as they were
 * before it), added to what is unread now (items arrived since count).
 */
export function restoreAllRead(
  state: InboxState,
  before: readonly InboxItem[],
  counts: InboxCounts,
): InboxState {
  const flipped = before.filter((i) => !i.read);
  const next = restoreItems(state, flipped);
  const notLoaded = Math.max(0, counts.unread - flipped.length);
  return notLoaded === 0
    ? next
    : { ...next, counts: { ...next.counts, unread: next.counts.unread + notLoaded } };
}

/** A change applied to whatever state is current: a stream event's, or what a fetched page says. */
export type InboxChange = (state: InboxState) => InboxState;

/**
 * Undoes a failed optimistic change (`undo`), then applies again what the
 * server said while its request was out (`confirmed`, in order): another tab
 * reading the item, a read-all on another device. The undo never takes back
 * what the server confirmed since. Each change is idempotent and moves the
 * counts with the flags it flips, so an item the undo made unread and the
 * server's `read` made read again counts once.
 */
export function rolledBack(
  state: InboxState,
  undo: InboxChange,
  confirmed: readonly InboxChange[],
): InboxState {
  let next = undo(state);
  for (const change of confirmed) next = change(next);
  return next;
}

/** The server's counts (the stream's `counts`, or an action's answer): they win. */
export function countsChanged(state: InboxState, counts: InboxCounts): InboxState {
  const c = state.counts;
  if (c.unread === counts.unread && c.unseen === counts.unseen && c.total === counts.total) return state;
  return { ...state, counts: { unread: counts.unread, unseen: counts.unseen, total: counts.total } };
}

export function connectionChanged(state: InboxState, connection: InboxConnection): InboxState {
  return state.connection === connection ? state : { ...state, connection };
}

export function loadingStarted(state: InboxState): InboxState {
  return state.loading ? state : { ...state, loading: true };
}

export function failed(state: InboxState, error: InboxError | null): InboxState {
  if (state.error === error) return state.loading ? { ...state, loading: false } : state;
  return { ...state, error, loading: false };
}
