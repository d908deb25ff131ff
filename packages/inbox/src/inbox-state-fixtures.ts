import { initialInboxState, pageLoaded } from "./inbox-state.ts";
import type { InboxItem, InboxState } from "./types.ts";

// Items and states for the state transitions' tests.

export const item = (n: number, over: Partial<InboxItem> = {}): InboxItem => ({
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
export function loaded(ns: number[], nextCursor: string | null = null, extraUnread = 0): InboxState {
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

export const ids = (s: InboxState) => s.items.map((i) => i.id);
