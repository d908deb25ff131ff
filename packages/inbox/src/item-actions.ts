import { itemsUnarchived, unarchiveUndone } from "./inbox-archive-state.ts";
import type { InboxClient, InboxItemAction } from "./inbox-client.ts";
import { type ConfirmRule, itemConfirmed } from "./inbox-confirm.ts";
import { type InboxChange, itemsArchived, itemsRead, itemsUnread, restoreItems } from "./inbox-state.ts";
import type { InboxCounts, InboxState } from "./types.ts";

export interface ItemActionsDeps {
  client: InboxClient;
  getState(): InboxState;
  set(next: InboxState): void;
  /** The store's optimistic machinery: shows `change`, sends `request`, `undo`es it if that fails. */
  optimistic(
    change: (s: InboxState) => InboxState,
    undo: (s: InboxState) => InboxState,
    request: () => Promise<void>,
  ): Promise<boolean>;
  /** Records the server's word for the undo of other changes in flight. */
  confirmed(change: InboxChange): void;
  serverCounts(counts: InboxCounts): void;
}

const shownAs: Record<InboxItemAction, (s: InboxState, id: string) => InboxState> = {
  read: (s, id) => itemsRead(s, [id]),
  unread: (s, id) => itemsUnread(s, [id]),
  archive: (s, id) => itemsArchived(s, [id]),
  // Shown at once when the archived list has the item; otherwise it appears with the answer.
  unarchive: (s, id) =>
    itemsUnarchived(
      s,
      s.archive.items.filter((i) => i.id === id),
    ),
};

/**
 * One item read, unread, archived or unarchived: shown at once, undone (the
 * item as it was) if the request fails. Read and unread, archive and
 * unarchive undo each other, so only the answer to the last request sent
 * for an item's flag says what that flag is now; an earlier one's answer
 * leaves it as shown.
 */
export function itemActions(deps: ItemActionsDeps) {
  const latest = new Map<string, number>();
  let requests = 0;
  return (id: string, action: InboxItemAction): Promise<boolean> => {
    const state = deps.getState();
    const before = [...state.items, ...state.archive.items].filter((i) => i.id === id);
    const flag = action === "read" || action === "unread" ? "read" : "archived";
    const key = `${flag} ${id}`;
    const mine = ++requests;
    latest.set(key, mine);
    return deps
      .optimistic(
        (s) => shownAs[action](s, id),
        (s) => (action === "unarchive" ? unarchiveUndone(s, before) : restoreItems(s, before)),
        async () => {
          const r = await deps.client.action(id, action);
          const rule: ConfirmRule = { [flag]: latest.get(key) === mine ? "server" : "local" };
          // The server's word on the item, which another change's undo must not take back either.
          const change: InboxChange = (s) => itemConfirmed(s, r.item, rule);
          deps.confirmed(change);
          deps.set(change(deps.getState()));
          deps.serverCounts(r.counts);
        },
      )
      .finally(() => {
        if (latest.get(key) === mine) latest.delete(key);
      });
  };
}
