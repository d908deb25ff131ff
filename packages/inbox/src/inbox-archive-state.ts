import { countsDelta, newerFirst } from "./inbox-items.ts";
import type { ArchivedItems, InboxItem, InboxState } from "./types.ts";

/**
 * The archived list's transitions, pure like the feed's (`inbox-state.ts`).
 * The list is loaded on demand (`loadArchived()`), so until then an archived
 * item is only counted out of the feed; once loaded, items archived here or
 * announced with their copy join it, and items brought back leave it.
 */

export function noArchivedItems(): ArchivedItems {
  return { items: [], cursor: null, hasMore: false, loading: false, loaded: false };
}

export function archivedLoadingStarted(state: InboxState): InboxState {
  return state.archive.loading ? state : { ...state, archive: { ...state.archive, loading: true } };
}

export function archivedLoadingEnded(state: InboxState): InboxState {
  return state.archive.loading ? { ...state, archive: { ...state.archive, loading: false } } : state;
}

/** A page of archived items: the first replaces the list, the next ones are appended. */
export function archivedPageLoaded(
  state: InboxState,
  page: { data: InboxItem[]; nextCursor: string | null },
  mode: "replace" | "append",
): InboxState {
  // An item in the feed was brought back after the page was read (or is on its way back).
  const have = new Set([
    ...(mode === "append" ? state.archive.items.map((i) => i.id) : []),
    ...state.items.map((i) => i.id),
  ]);
  const items = [
    ...(mode === "append" ? state.archive.items : []),
    ...page.data.filter((i) => !have.has(i.id)),
  ].sort(newerFirst);
  return {
    ...state,
    archive: {
      items,
      cursor: page.nextCursor,
      hasMore: page.nextCursor !== null,
      loading: false,
      loaded: true,
    },
  };
}

/** Whether `item` falls among the loaded part of a list ordered newest first (`hasMore`: older ones wait). */
function inReach(list: readonly InboxItem[], hasMore: boolean, item: InboxItem): boolean {
  const oldest = list.at(-1);
  return !hasMore || !oldest || newerFirst(item, oldest) <= 0;
}

/** Feed items just archived join the loaded archived list, in their place (an id alone cannot be shown). */
export function archivedCopies(state: InboxState, archived: readonly InboxItem[], at: string): InboxState {
  const { archive } = state;
  if (!archive.loaded || archived.length === 0) return state;
  const have = new Set(archive.items.map((i) => i.id));
  const added = archived
    .filter((i) => !have.has(i.id) && inReach(archive.items, archive.hasMore, i))
    .map((i) => ({ ...i, archived: true, archivedAt: i.archivedAt ?? at }));
  if (added.length === 0) return state;
  return { ...state, archive: { ...archive, items: [...archive.items, ...added].sort(newerFirst) } };
}

/** Takes `ids` out of the archived list. */
export function withoutArchived(state: InboxState, ids: ReadonlySet<string>): InboxState {
  const items = state.archive.items.filter((i) => !ids.has(i.id));
  return items.length === state.archive.items.length
    ? state
    : { ...state, archive: { ...state.archive, items } };
}

/**
 * Items back from the archive (`unarchive`, its answer, or the stream's
 * `unarchived` with their copies): out of the archived list, and into the
 * feed in their place (the feed is ordered by creation) when that place is
 * among the loaded items; an older one comes with `loadMore()`. The counts
 * move once per item: when it enters the feed, or leaves the list for a
 * place not loaded. An item found in neither (a stream echo of a change
 * shown already) moves nothing: the server's counts follow.
 */
export function itemsUnarchived(
  state: InboxState,
  copies: readonly InboxItem[],
  ids: readonly string[] = [],
): InboxState {
  let next = state;
  for (const copy of copies) {
    const { archivedAt: _, ...rest } = copy;
    const item: InboxItem = { ...rest, archived: false };
    const inList = next.archive.items.some((i) => i.id === item.id);
    const shown = next.items.some((i) => i.id === item.id);
    if (!shown && inReach(next.items, next.hasMore, item)) {
      next = {
        ...next,
        items: [...next.items, item].sort(newerFirst),
        counts: countsDelta(next.counts, undefined, item),
      };
    } else if (!shown && inList) {
      next = { ...next, counts: countsDelta(next.counts, undefined, item) };
    }
    next = withoutArchived(next, new Set([item.id]));
  }
  return withoutArchived(next, new Set(ids));
}

/**
 * Undoes a failed `unarchive`: the items of `before` (the archived copies
 * taken before it) leave the feed again and return to the archived list.
 */
export function unarchiveUndone(state: InboxState, before: readonly InboxItem[]): InboxState {
  let next = state;
  for (const old of before) {
    if (!old.archived) continue;
    const current = next.items.find((i) => i.id === old.id);
    next = current
      ? {
          ...next,
          items: next.items.filter((i) => i.id !== old.id),
          counts: countsDelta(next.counts, current, undefined),
        }
      : { ...next, counts: countsDelta(next.counts, old, undefined) };
    const archive = next.archive;
    if (archive.loaded && !archive.items.some((i) => i.id === old.id)) {
      next = { ...next, archive: { ...archive, items: [...archive.items, old].sort(newerFirst) } };
    }
  }
  return next;
}
