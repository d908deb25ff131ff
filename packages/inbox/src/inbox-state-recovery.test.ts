import { describe, expect, it } from "vitest";
import { itemsConfirmed } from "./inbox-confirm.ts";
import {
  allRead,
  itemArrived,
  itemsArchived,
  itemsRead,
  itemsSeen,
  pageLoaded,
  restoreAllRead,
  restoreItems,
  rolledBack,
  seenUndone,
} from "./inbox-state.ts";
import { ids, item, loaded } from "./inbox-state-fixtures.ts";
import type { InboxState } from "./types.ts";

/**
 * The state when things happened elsewhere meanwhile: a failed change undone
 * after the server confirmed it from another tab, a fresh first page after
 * the stream dropped.
 */
describe("inbox state recovering", () => {
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
