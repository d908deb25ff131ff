import { itemsUnarchived } from "./inbox-archive-state.ts";
import { replaced } from "./inbox-items.ts";
import { itemsArchived } from "./inbox-state.ts";
import type { InboxItem, InboxState } from "./types.ts";

/** How an answer's flags join the local copy's (see {@link itemConfirmed}). */
export interface ConfirmRule {
  /**
   * `forward` (default): a local read stays read. `server`: the answer's
   * flag as it is (the answer to the latest read or unread of the item).
   * `local`: the local flag (a later read or unread of the item is on its way).
   */
  read?: "forward" | "server" | "local";
  /**
   * `local` (default): the item stays in the list it is in (the stream's
   * `archived`/`unarchived` move it). `server`: the answer's flag moves it
   * between the feed and the archived list (the answer to the latest
   * archive or unarchive of the item).
   */
  archived?: "local" | "server";
}

/**
 * The server's copy of one item (an action's answer, a fetched page). The
 * seen flag only moves forward: an answer to `seen` that left the server
 * before a `read` sent after it must not make the item unseen again. Read
 * and archived can move back (unread, unarchive), so which copy says the
 * last word on them is the caller's `rule`.
 */
export function itemConfirmed(state: InboxState, item: InboxItem, rule: ConfirmRule = {}): InboxState {
  const local =
    state.items.find((i) => i.id === item.id) ?? state.archive.items.find((i) => i.id === item.id);
  const read = rule.read ?? "forward";
  const keepLocalRead = local && (read === "local" || (read === "forward" && local.read && !item.read));
  const merged: InboxItem = { ...item };
  if (local && keepLocalRead) {
    merged.read = local.read;
    merged.status = local.status;
    if (local.readAt) merged.readAt = local.readAt;
    else delete merged.readAt;
  }
  if (local?.seen && !item.seen) {
    merged.seen = true;
    if (local.seenAt) merged.seenAt = local.seenAt;
  }
  if (rule.archived === "server") {
    if (!item.archived) return itemsUnarchived(replaced(state, merged), [merged]);
    return replaced(itemsArchived(state, [item.id], item.archivedAt), merged);
  }
  if (!local) return state;
  merged.archived = local.archived;
  if (local.archivedAt) merged.archivedAt = local.archivedAt;
  else delete merged.archivedAt;
  return replaced(state, merged);
}

/** A fetched page's items, as the server's word on the loaded copies (a local read or seen flag stays). */
export function itemsConfirmed(state: InboxState, items: readonly InboxItem[]): InboxState {
  let next = state;
  for (const item of items) next = itemConfirmed(next, item);
  return next;
}
