import { describe, expect, it } from "vitest";
import { itemConfirmed } from "./inbox-confirm.ts";
import {
  allRead,
  allSeen,
  countsChanged,
  itemArrived,
  itemsArchived,
  itemsRead,
  itemsSeen,
  pageLoaded,
  restoreAllRead,
  restoreItems,
  seenUndone,
} from "./inbox-state.ts";
import { ids, item, loaded } from "./inbox-state-fixtures.ts";

describe("inbox state", () => {
  it("a first page sets items, counts and where loadMore continues", () => {
    const s = loaded([3, 2], "cur_2", 5);
    expect(ids(s)).toEqual(["ntf_003", "ntf_002"]);
    expect(s).toMatchObject({ hasMore: true, cursor: "cur_2", loaded: true, loading: false });
    expect(s.counts).toEqual({ unread: 7, unseen: 2, total: 7 });
  });

  it("appends older pages without duplicating an item both pages hold", () => {
    const s = pageLoaded(
      loaded([5, 4], "c"),
      { data: [item(4), item(3)], nextCursor: null, counts: { unread: 3, unseen: 3, total: 3 } },
      "append",
    );
    expect(ids(s)).toEqual(["ntf_005", "ntf_004", "ntf_003"]);
    expect(s.hasMore).toBe(false);
  });

  it("a live item is added once, in its place, and moves the counts once", () => {
    let s = loaded([2, 1]);
    s = itemArrived(s, item(3));
    s = itemArrived(s, item(3)); // the replayed copy after a reconnect
    expect(ids(s)).toEqual(["ntf_003", "ntf_002", "ntf_001"]);
    expect(s.counts).toEqual({ unread: 3, unseen: 3, total: 3 });
    // A late, older one goes below the newer ones, not on top.
    s = itemArrived(s, item(0));
    expect(ids(s).at(-1)).toBe("ntf_000");
  });

  it("a refetched first page keeps live items newer than it and drops older pages", () => {
    let s = pageLoaded(
      loaded([4, 3], "c"),
      { data: [item(2)], nextCursor: null, counts: { unread: 3, unseen: 3, total: 3 } },
      "append",
    );
    s = itemArrived(s, item(6));
    s = pageLoaded(
      s,
      { data: [item(5), item(4)], nextCursor: "c2", counts: { unread: 9, unseen: 9, total: 9 } },
      "replace",
    );
    expect(ids(s)).toEqual(["ntf_006", "ntf_005", "ntf_004"]);
    expect(s.counts.unread).toBe(9);
  });

  it("reading moves unread only on the first flip, so the stream's echo of an optimistic read counts once", () => {
    let s = loaded([2, 1]);
    s = itemsRead(s, ["ntf_002"], "2026-01-02T00:00:00.000Z");
    expect(s.items[0]).toMatchObject({ read: true, readAt: "2026-01-02T00:00:00.000Z", status: "READ" });
    expect(s.counts.unread).toBe(1);
    const echoed = itemsRead(s, ["ntf_002"]);
    expect(echoed).toBe(s);
    // An id not loaded (an older page) changes nothing here: the counts event covers it.
    expect(itemsRead(s, ["ntf_999"])).toBe(s);
  });

  it("read_all zeroes unread, including items not loaded", () => {
    const s = allRead(loaded([2, 1], "c", 10));
    expect(s.items.every((i) => i.read)).toBe(true);
    expect(s.counts).toMatchObject({ unread: 0, total: 12 });
  });

  it("seen and archived move their counts; archived items leave the feed", () => {
    let s = itemsSeen(loaded([3, 2, 1]), ["ntf_001", "ntf_002"]);
    expect(s.counts.unseen).toBe(1);
    s = itemsArchived(s, ["ntf_003"]);
    expect(ids(s)).toEqual(["ntf_002", "ntf_001"]);
    expect(s.counts).toEqual({ unread: 2, unseen: 0, total: 2 });
    expect(itemsArchived(s, ["ntf_003"])).toBe(s);
  });

  it("seen_all zeroes unseen, including items not loaded, and leaves read alone", () => {
    const s0 = itemsSeen(loaded([3, 2, 1], "c"), ["ntf_002"]);
    const s = allSeen({ ...s0, counts: { ...s0.counts, unseen: 9 } }, "2026-01-02T00:00:00.000Z");
    expect(s.items.map((i) => [i.seen, i.read])).toEqual([
      [true, false],
      [true, false],
      [true, false],
    ]);
    expect(s.items[0]!.seenAt).toBe("2026-01-02T00:00:00.000Z");
    expect(s.items[1]!.seenAt).toBe(s0.items[1]!.seenAt);
    expect(s.counts).toEqual({ unread: 3, unseen: 0, total: 3 });
    expect(allSeen(s)).toBe(s);
  });

  it("a failed seen makes exactly its items unseen again, except one read since", () => {
    const s0 = itemsSeen(loaded([4, 3, 2, 1]), ["ntf_004"]);
    const batch = ["ntf_004", "ntf_003", "ntf_002"];
    const before = s0.items.filter((i) => batch.includes(i.id));
    let s = itemsSeen(s0, batch);
    // Another batch, and a read of one of this batch's items, in flight meanwhile.
    s = itemsSeen(s, ["ntf_001"]);
    s = itemsRead(s, ["ntf_002"]);
    s = seenUndone(s, before);
    expect(s.items.map((i) => [i.id, i.seen])).toEqual([
      ["ntf_004", true], // seen before the batch: stays
      ["ntf_003", false],
      ["ntf_002", true], // read since: the server made it seen too
      ["ntf_001", true], // not this batch's
    ]);
    expect(s.items[1]).not.toHaveProperty("seenAt");
    expect(s.items[2]).toMatchObject({ read: true, status: "READ" });
    expect(s.counts).toEqual({ unread: 3, unseen: 1, total: 4 });
    expect(seenUndone(s, before)).toBe(s);
  });

  it("a failed read is rolled back: flags, timestamps and counts", () => {
    const s0 = loaded([2, 1]);
    const before = s0.items.filter((i) => i.id === "ntf_001");
    const s1 = itemsRead(s0, ["ntf_001"]);
    const s2 = restoreItems(s1, before);
    expect(s2.items).toEqual(s0.items);
    expect(s2.counts).toEqual(s0.counts);
  });

  it("a failed archive puts the item back in its place", () => {
    const s0 = loaded([3, 2, 1]);
    const before = s0.items.filter((i) => i.id === "ntf_002");
    const s2 = restoreItems(itemsArchived(s0, ["ntf_002"]), before);
    expect(ids(s2)).toEqual(ids(s0));
    expect(s2.counts).toEqual(s0.counts);
  });

  it("a failed mark-all-read gives back the unread flags and the unread count of items not loaded", () => {
    let s0 = loaded([3, 2, 1], "c", 4);
    s0 = itemsRead(s0, ["ntf_003"]);
    const s2 = restoreAllRead(allRead(s0), s0.items, s0.counts);
    expect(s2.items).toEqual(s0.items);
    expect(s2.counts).toEqual(s0.counts);
  });

  it("the server's counts win, and equal counts change nothing", () => {
    const s = loaded([1]);
    expect(countsChanged(s, { ...s.counts })).toBe(s);
    expect(countsChanged(s, { unread: 0, unseen: 0, total: 1 }).counts.unread).toBe(0);
  });

  it("an action's answer never takes back a flag set since (a `seen` answered after a later `read`)", () => {
    let s = itemsRead(loaded([1]), ["ntf_001"]);
    s = itemConfirmed(s, item(1, { seen: true, seenAt: "2026-01-02T00:00:00.000Z" }));
    expect(s.items[0]).toMatchObject({ read: true, seen: true, status: "READ" });
    expect(s.counts).toMatchObject({ unread: 0, unseen: 0 });
    // And what the server set that this copy did not know yet is taken.
    s = itemConfirmed(loaded([2]), item(2, { read: true, status: "READ" }));
    expect(s.items[0]!.read).toBe(true);
    expect(s.counts.unread).toBe(0);
  });
});
