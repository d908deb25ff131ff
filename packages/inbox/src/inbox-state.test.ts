import { describe, expect, it } from "vitest";
import {
  allRead,
  allSeen,
  countsChanged,
  initialInboxState,
  itemArrived,
  itemConfirmed,
  itemsArchived,
  itemsConfirmed,
  itemsRead,
  itemsSeen,
  pageLoaded,
  restoreAllRead,
  restoreItems,
  rolledBack,
  seenUndone,
} from "./inbox-state.ts";
import type { InboxItem, InboxState } from "./types.ts";

const item = (n: number, over: Partial<InboxItem> = {}): InboxItem => ({
  id: `ntf_${String(n).padStart(3, "0")}`,
  type: "order_placed",
  category: "transactional",
  title: `Item ${n}`,
  body: "",
  status: "DELIVERED",
  read: false,
  seen: false,
  archived: false,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  ...over,
});

/** Items n..1, newest first, as the API pages them; counts from the items. */
function loaded(ns: number[], nextCursor: string | null = null, extraUnread = 0): InboxState {
  const data = ns.map((n) => item(n));
  return pageLoaded(
    initialInboxState(),
    {
      data,
      nextCursor,
      counts: { unread: data.length + extraUnread, unseen: data.length, total: data.length + extraUnread },
    },
    "replace",
  );
}

const ids = (s: InboxState) => s.items.map((i) => i.id);

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

  describe("an undo after the server confirmed the change elsewhere", () => {
    /** The counts the loaded items imply, plus `notLoaded` unread/total items beyond them. */
    const recount = (st: InboxState, notLoaded = 0) => ({
      unread: st.items.filter((i) => !i.read).length + notLoaded,
      unseen: st.items.filter((i) => !i.seen).length,
      total: st.items.length + notLoaded,
    });

    it("a failed read stays read when another tab read the item meanwhile", () => {
      const s0 = loaded([2, 1]);
      const before = s0.items.filter((i) => i.id === "ntf_001");
      const undo = (st: InboxState) => restoreItems(st, before);
      let s = itemsRead(s0, ["ntf_001"]);
      // The stream's `read` from the other tab: nothing to flip here, the item shows read already.
      const otherTab = (st: InboxState) => itemsRead(st, ["ntf_001"]);
      s = otherTab(s);
      // Without the server's word the undo would make it unread: this is what the change guards.
      expect(rolledBack(s, undo, []).items[1]!.read).toBe(false);
      const r = rolledBack(s, undo, [otherTab]);
      expect(r.items.map((i) => [i.id, i.read])).toEqual([
        ["ntf_002", false],
        ["ntf_001", true],
      ]);
      expect(r.counts).toEqual(recount(r));
      expect(r.counts.unread).toBe(1);
    });

    it("a failed read stays read when a fetched page says the server has it read", () => {
      const s0 = loaded([2, 1]);
      const before = s0.items.filter((i) => i.id === "ntf_002");
      const page = [item(2, { read: true, status: "READ", seen: true }), item(1)];
      let s = itemsRead(s0, ["ntf_002"]);
      const fetched = (st: InboxState) => itemsConfirmed(st, page);
      s = fetched(s);
      const r = rolledBack(s, (st) => restoreItems(st, before), [fetched]);
      expect(r.items[0]).toMatchObject({ id: "ntf_002", read: true, seen: true });
      expect(r.counts).toEqual(recount(r));
    });

    it("a failed archive brings the item back as the server has it: read elsewhere, or gone if archived elsewhere", () => {
      const s0 = loaded([3, 2, 1]);
      const before = s0.items.filter((i) => i.id === "ntf_002");
      const undo = (st: InboxState) => restoreItems(st, before);
      const s = itemsArchived(s0, ["ntf_002"]);

      const read = (st: InboxState) => itemsRead(st, ["ntf_002"]);
      const back = rolledBack(read(s), undo, [read]);
      expect(ids(back)).toEqual(["ntf_003", "ntf_002", "ntf_001"]);
      expect(back.items[1]!.read).toBe(true);
      expect(back.counts).toEqual({ unread: 2, unseen: 3, total: 3 });

      const archived = (st: InboxState) => itemsArchived(st, ["ntf_002"]);
      const gone = rolledBack(archived(s), undo, [archived]);
      expect(ids(gone)).toEqual(["ntf_003", "ntf_001"]);
      expect(gone.counts).toEqual(recount(gone));
    });

    it("a failed mark-all-read after a read-all on another device leaves everything read, unread zero", () => {
      const s0 = loaded([3, 2, 1], "c", 4);
      const undo = (st: InboxState) => restoreAllRead(st, s0.items, s0.counts);
      let s = allRead(s0);
      const elsewhere = (st: InboxState) => allRead(st);
      s = elsewhere(s);
      const r = rolledBack(s, undo, [elsewhere]);
      expect(r.items.every((i) => i.read)).toBe(true);
      expect(r.counts).toEqual({ unread: 0, unseen: 3, total: 7 });
    });

    it("a failed mark-all-read gives back exactly the unread the server still has: one read elsewhere, one arrived", () => {
      // 3 loaded unread and 4 more unread not loaded: 7.
      const s0 = loaded([3, 2, 1], "c", 4);
      const undo = (st: InboxState) => restoreAllRead(st, s0.items, s0.counts);
      const readElsewhere = (st: InboxState) => itemsRead(st, ["ntf_002"]);
      const arrived = (st: InboxState) => itemArrived(st, item(4));
      let s = allRead(s0);
      s = arrived(readElsewhere(s));
      const r = rolledBack(s, undo, [readElsewhere, arrived]);
      expect(r.items.map((i) => [i.id, i.read])).toEqual([
        ["ntf_004", false],
        ["ntf_003", false],
        ["ntf_002", true],
        ["ntf_001", false],
      ]);
      expect(r.counts).toEqual({ unread: 7, unseen: 4, total: 8 });
      expect(r.counts).toEqual({ ...recount(r, 4), unseen: 4 });
    });

    it("a failed seen stays seen for an item another tab saw meanwhile", () => {
      const s0 = loaded([2, 1]);
      const before = [...s0.items];
      const seenElsewhere = (st: InboxState) => itemsSeen(st, ["ntf_001"]);
      const s = seenElsewhere(itemsSeen(s0, ["ntf_002", "ntf_001"]));
      const r = rolledBack(s, (st) => seenUndone(st, before), [seenElsewhere]);
      expect(r.items.map((i) => [i.id, i.seen])).toEqual([
        ["ntf_002", false],
        ["ntf_001", true],
      ]);
      expect(r.counts).toEqual(recount(r));
    });

    it("counts never go negative, whatever order the server's changes and the undo come in", () => {
      const s0 = loaded([2, 1]);
      const before = s0.items.filter((i) => i.id === "ntf_001");
      const undo = (st: InboxState) => restoreItems(st, before);
      const changes = [
        (st: InboxState) => itemsRead(st, ["ntf_001"]),
        (st: InboxState) => itemsArchived(st, ["ntf_001"]),
        (st: InboxState) => allRead(st),
        (st: InboxState) => itemsSeen(st, ["ntf_001", "ntf_002"]),
      ];
      for (const first of changes)
        for (const second of changes) {
          let s = itemsArchived(s0, ["ntf_001"]);
          s = second(first(s));
          const r = rolledBack(s, undo, [first, second]);
          expect(r.counts).toEqual(recount(r));
          // Applied twice, nothing moves: no double counting.
          expect(second(first(r))).toEqual(r);
        }
    });
  });

  describe("a fresh first page merged over the loaded pages (the stream dropped and reopens)", () => {
    /** Items 10..7 loaded in two pages of 2, cursor after 7. */
    const twoPages = () =>
      pageLoaded(
        loaded([10, 9], "c9"),
        { data: [item(8), item(7)], nextCursor: "c7", counts: { unread: 10, unseen: 10, total: 10 } },
        "append",
      );
    const counts = { unread: 11, unseen: 11, total: 11 };

    it("keeps the older pages and where loadMore continues when the page overlaps them", () => {
      // One item arrived while disconnected.
      const s = pageLoaded(twoPages(), { data: [item(11), item(10)], nextCursor: "c10", counts }, "merge");
      expect(ids(s)).toEqual(["ntf_011", "ntf_010", "ntf_009", "ntf_008", "ntf_007"]);
      expect(s).toMatchObject({ cursor: "c7", hasMore: true, counts });
      // 9 archived elsewhere: the page, which reaches below it, leaves it out.
      const archived = pageLoaded(
        twoPages(),
        { data: [item(11), item(10), item(8)], nextCursor: "c8", counts },
        "merge",
      );
      expect(ids(archived)).toEqual(["ntf_011", "ntf_010", "ntf_008", "ntf_007"]);
      // The page's copies win over the loaded ones.
      const read = pageLoaded(
        twoPages(),
        { data: [item(10, { read: true }), item(9)], nextCursor: "c9", counts },
        "merge",
      );
      expect(read.items[0]!.read).toBe(true);
      expect(ids(read)).toHaveLength(4);
      // `replace` (refresh, resync) drops them, as before.
      expect(
        ids(pageLoaded(twoPages(), { data: [item(11), item(10)], nextCursor: "c10", counts }, "replace")),
      ).toEqual(["ntf_011", "ntf_010"]);
    });

    it("keeps none when the page overlaps none of them (a gap may lie between), nor when it is the whole feed", () => {
      const gap = pageLoaded(twoPages(), { data: [item(13), item(12)], nextCursor: "c12", counts }, "merge");
      expect(ids(gap)).toEqual(["ntf_013", "ntf_012"]);
      expect(gap.cursor).toBe("c12");
      const whole = pageLoaded(
        twoPages(),
        { data: [item(11), item(10), item(7)], nextCursor: null, counts },
        "merge",
      );
      expect(ids(whole)).toEqual(["ntf_011", "ntf_010", "ntf_007"]);
      expect(whole.hasMore).toBe(false);
    });

    it("keeps the end of the feed reached: no cursor, no more to load", () => {
      const ended = pageLoaded(
        twoPages(),
        { data: [item(8), item(7)], nextCursor: null, counts: { unread: 2, unseen: 2, total: 2 } },
        "append",
      );
      const s = pageLoaded(ended, { data: [item(11), item(10)], nextCursor: "c10", counts }, "merge");
      expect(ids(s)).toEqual(["ntf_011", "ntf_010", "ntf_009", "ntf_008", "ntf_007"]);
      expect(s).toMatchObject({ cursor: null, hasMore: false });
    });
  });
});
