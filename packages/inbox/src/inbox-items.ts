import type { InboxCounts, InboxItem, InboxState } from "./types.ts";

/** Newest first, as the API orders the feed (ids break ties: they sort by time too). */
export function newerFirst(a: InboxItem, b: InboxItem): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function clampCounts(c: InboxCounts): InboxCounts {
  return { unread: Math.max(0, c.unread), unseen: Math.max(0, c.unseen), total: Math.max(0, c.total) };
}

/** How the counts move when `before` becomes `after` (either may be absent: added or removed). */
export function countsDelta(
  counts: InboxCounts,
  before: InboxItem | undefined,
  after: InboxItem | undefined,
): InboxCounts {
  const weight = (i: InboxItem | undefined) =>
    i ? { unread: i.read ? 0 : 1, unseen: i.seen ? 0 : 1, total: 1 } : { unread: 0, unseen: 0, total: 0 };
  const b = weight(before);
  const a = weight(after);
  return clampCounts({
    unread: counts.unread + a.unread - b.unread,
    unseen: counts.unseen + a.unseen - b.unseen,
    total: counts.total + a.total - b.total,
  });
}

/** `item` instead of the copy with its id, in the feed (counts moving) or the archived list. */
export function replaced(state: InboxState, item: InboxItem): InboxState {
  const shown = state.items.find((i) => i.id === item.id);
  if (shown) {
    return {
      ...state,
      items: state.items.map((i) => (i.id === item.id ? item : i)),
      counts: countsDelta(state.counts, shown, item),
    };
  }
  if (!state.archive.items.some((i) => i.id === item.id)) return state;
  return {
    ...state,
    archive: { ...state.archive, items: state.archive.items.map((i) => (i.id === item.id ? item : i)) },
  };
}
