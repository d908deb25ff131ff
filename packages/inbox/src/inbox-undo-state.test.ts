import { describe, expect, it } from "vitest";
import { archivedPageLoaded, itemsUnarchived, unarchiveUndone } from "./inbox-archive-state.ts";
import { itemConfirmed } from "./inbox-confirm.ts";
import { itemsArchived, itemsRead, itemsUnread, restoreItems, rolledBack } from "./inbox-state.ts";
import { ids, item, loaded } from "./inbox-state-fixtures.ts";
import type { InboxItem, InboxState } from "./types.ts";

const readItem = (n: number) =>
  item(n, { read: true, seen: true, status: "READ", readAt: "2026-01-02T00:00:00.000Z" });
const archivedItem = (n: number) => item(n, { archived: true, archivedAt: "2026-01-03T00:00:00.000Z" });
const find = (s: InboxState, id: string) => s.items.find((i) => i.id === id);
/** The counts the loaded items imply, plus `notLoaded` unread/total items beyond them. */
const recount = (s: InboxState, notLoaded = 0) => ({
  unread: s.items.filter((i) => !i.read).length + notLoaded,
  unseen: s.items.filter((i) => !i.seen).length,
  total: s.items.length + notLoaded,
});

/** Items 3..1 loaded, item 2 read; counts as the server has them (two unread beyond the page). */
function withRead(): InboxState {
  return itemConfirmed(loaded([3, 2, 1], null, 2), readItem(2), { read: "server" });
}

/** The feed 5, 3, 1 and the archived list 4, 2 loaded (the archived items counted out). */
function withArchived(hasMore = false): InboxState {
  const feed = loaded([5, 3, 1], hasMore ? "cur" : null);
  return archivedPageLoaded(feed, { data: [archivedItem(4), archivedItem(2)], nextCursor: null }, "replace");
}

describe("inbox state: mark unread", () => {
  it("shows a read item unread at once, status still READ, and a stream echo moves nothing twice", () => {
    const s0 = withRead();
    expect(s0.counts.unread).toBe(4);
    let s = itemsUnread(s0, ["ntf_002"]);
    expect(find(s, "ntf_002")).toMatchObject({ read: false, seen: true, status: "READ" });
    expect(find(s, "ntf_002")!.readAt).toBeUndefined();
    expect(s.counts).toEqual({ unread: 5, unseen: 2, total: 5 });
    // The stream's `unread` for this change (or another tab's, for an item unread here already).
    s = itemsUnread(s, ["ntf_002"]);
    expect(s.counts.unread).toBe(5);
    // An unread item stays as it was: the same state object.
    expect(itemsUnread(s, ["ntf_001"])).toBe(s);
  });

  it("a failed unread is undone: read again, counts back; unless another tab made it unread meanwhile", () => {
    const s0 = withRead();
    const before = s0.items.filter((i) => i.id === "ntf_002");
    const undo = (st: InboxState) => restoreItems(st, before);
    const s = itemsUnread(s0, ["ntf_002"]);
    const back = rolledBack(s, undo, []);
    expect(find(back, "ntf_002")).toMatchObject({ read: true, readAt: "2026-01-02T00:00:00.000Z" });
    expect(back.counts).toEqual(s0.counts);

    const otherTab = (st: InboxState) => itemsUnread(st, ["ntf_002"]);
    const kept = rolledBack(otherTab(s), undo, [otherTab]);
    expect(find(kept, "ntf_002")!.read).toBe(false);
    expect(kept.counts).toEqual(recount(kept, 2));
  });

  it("an earlier read's answer arriving after the unread leaves the item unread; the unread's answer has the last word", () => {
    let s = itemsUnread(withRead(), ["ntf_002"]);
    // The answer to the read sent before: a later unread is on its way, so the local flag stays.
    s = itemConfirmed(s, readItem(2), { read: "local" });
    expect(find(s, "ntf_002")!.read).toBe(false);
    expect(s.counts).toEqual(recount(s, 2));
    s = itemConfirmed(s, item(2, { seen: true, status: "READ" }), { read: "server" });
    expect(find(s, "ntf_002")).toMatchObject({ read: false, status: "READ" });
    // Read again: the answer to that read is the latest, the item is read.
    s = itemsRead(s, ["ntf_002"]);
    s = itemConfirmed(s, readItem(2), { read: "server" });
    expect(find(s, "ntf_002")!.read).toBe(true);
    expect(s.counts).toEqual(recount(s, 2));
  });

  it("another tab's unread of an archived item changes its copy in the archived list, not the counts", () => {
    const s0 = archivedPageLoaded(
      loaded([1]),
      { data: [item(2, { ...readItem(2), archived: true })], nextCursor: null },
      "replace",
    );
    const s = itemsUnread(s0, ["ntf_002"]);
    expect(s.archive.items[0]).toMatchObject({ id: "ntf_002", read: false });
    expect(s.counts).toEqual(s0.counts);
  });
});

describe("inbox state: unarchive", () => {
  it("an archived item goes back into the feed in its place, counted once, and leaves the archived list", () => {
    const s0 = withArchived();
    const copy = s0.archive.items.filter((i) => i.id === "ntf_002");
    const s = itemsUnarchived(s0, copy);
    expect(ids(s)).toEqual(["ntf_005", "ntf_003", "ntf_002", "ntf_001"]);
    expect(find(s, "ntf_002")).toMatchObject({ archived: false });
    expect(find(s, "ntf_002")!.archivedAt).toBeUndefined();
    expect(s.archive.items.map((i) => i.id)).toEqual(["ntf_004"]);
    expect(s.counts).toEqual(recount(s));
    // The stream's echo (with the server's copy) and the answer move nothing again.
    const echoed = itemsUnarchived(s, [item(2)], ["ntf_002"]);
    expect(ids(echoed)).toEqual(ids(s));
    expect(echoed.counts).toEqual(s.counts);
    expect(itemConfirmed(echoed, item(2), { archived: "server" }).counts).toEqual(s.counts);
  });

  it("an item older than the loaded pages is counted but waits for loadMore", () => {
    const s0 = archivedPageLoaded(
      loaded([5, 3], "cur"),
      { data: [archivedItem(1)], nextCursor: null },
      "replace",
    );
    const s = itemsUnarchived(s0, s0.archive.items);
    expect(ids(s)).toEqual(["ntf_005", "ntf_003"]);
    expect(s.archive.items).toEqual([]);
    expect(s.counts).toEqual({ unread: 3, unseen: 3, total: 3 });
    // The echo finds it in neither list: nothing moves twice.
    expect(itemsUnarchived(s, [item(1)], ["ntf_001"]).counts).toEqual(s.counts);
  });

  it("a failed unarchive puts the item back in the archived list and takes it out of the feed and counts", () => {
    const s0 = withArchived();
    const before = s0.archive.items.filter((i) => i.id === "ntf_004");
    const s = itemsUnarchived(s0, before);
    const back = rolledBack(s, (st) => unarchiveUndone(st, before), []);
    expect(ids(back)).toEqual(ids(s0));
    expect(back.archive.items.map((i) => i.id)).toEqual(["ntf_004", "ntf_002"]);
    expect(back.counts).toEqual(s0.counts);
  });

  it("an item the archived list does not hold comes back with Herald's answer", () => {
    const s0 = loaded([5, 3, 1]);
    expect(s0.archive.loaded).toBe(false);
    // Nothing to show at once: the optimistic change finds no copy.
    expect(
      itemsUnarchived(
        s0,
        s0.archive.items.filter((i) => i.id === "ntf_004"),
      ),
    ).toBe(s0);
    const s = itemConfirmed(s0, item(4), { archived: "server" });
    expect(ids(s)).toEqual(["ntf_005", "ntf_004", "ntf_003", "ntf_001"]);
    expect(s.counts).toEqual(recount(s));
  });

  it("another tab's unarchive shows here from the stream's copy, and its archive takes it out again", () => {
    const s0 = loaded([5, 3, 1]);
    const fromOtherTab: InboxItem = item(2, { read: true, seen: true, status: "READ" });
    let s = itemsUnarchived(s0, [fromOtherTab], [fromOtherTab.id]);
    expect(ids(s)).toEqual(["ntf_005", "ntf_003", "ntf_002", "ntf_001"]);
    expect(s.counts).toEqual({ unread: 3, unseen: 3, total: 4 });
    s = itemsArchived(s, ["ntf_002"]);
    expect(ids(s)).toEqual(ids(s0));
    expect(s.counts).toEqual(s0.counts);
  });

  it("archiving with the archived list loaded adds the item to it; a failed archive takes it out again", () => {
    const s0 = withArchived();
    const before = s0.items.filter((i) => i.id === "ntf_003");
    const s = itemsArchived(s0, ["ntf_003"], "2026-01-04T00:00:00.000Z");
    expect(s.archive.items.map((i) => [i.id, i.archived])).toEqual([
      ["ntf_004", true],
      ["ntf_003", true],
      ["ntf_002", true],
    ]);
    const back = rolledBack(s, (st) => restoreItems(st, before), []);
    expect(ids(back)).toEqual(ids(s0));
    expect(back.archive.items.map((i) => i.id)).toEqual(["ntf_004", "ntf_002"]);
    expect(back.counts).toEqual(s0.counts);
  });

  it("an earlier archive's answer arriving after the unarchive leaves the item in the feed", () => {
    const s0 = withArchived();
    const s = itemsUnarchived(
      s0,
      s0.archive.items.filter((i) => i.id === "ntf_002"),
    );
    const late = itemConfirmed(s, archivedItem(2), { archived: "local" });
    expect(ids(late)).toEqual(ids(s));
    expect(find(late, "ntf_002")!.archived).toBe(false);
    expect(late.counts).toEqual(s.counts);
  });
});
