import {
  archiveInboxItems,
  getInboxItem,
  getNotification,
  listUnreadInboxIds,
  markInboxReadAgain,
  markInboxSeen,
  markInboxUnread,
  type NotificationRow,
  transition,
  unarchiveInboxItems,
} from "@herald/db";
import { type InboxEvent, publishInboxEvent } from "@herald/inbox-bus";
import type { ApiDeps } from "../deps.ts";

/** Who changed the item: the end user (token) or a backend (API key). For the timeline. */
export type Actor = "user" | "api";

/** Tells every open stream of the user (other tabs, other API processes). A Redis hiccup must not undo a saved change. */
export async function announceInboxEvent(
  deps: ApiDeps,
  recipientId: string,
  event: InboxEvent,
): Promise<void> {
  try {
    await publishInboxEvent(deps.redis, deps.env.QUEUE_PREFIX, recipientId, event);
  } catch (err) {
    deps.logger.warn(
      { err: (err as Error).message, recipientId, event: event.type },
      "inbox event not published",
    );
  }
}

async function read(deps: ApiDeps, row: NotificationRow, actor: Actor, at: Date): Promise<boolean> {
  if (row.readAt) return false;
  // Marked unread after a read: READ already, and statuses never repeat. Read again, status unmoved.
  if (row.status === "READ")
    return markInboxReadAgain(
      deps.db,
      row.recipientId,
      row.id,
      { source: "inbox", by: actor, again: true },
      at,
    );
  return transition(deps.db, row.id, "READ", {
    from: ["SENT", "DELIVERED"],
    set: { readAt: at, ...(row.seenAt ? {} : { seenAt: at }) },
    detail: { source: "inbox", by: actor },
    at,
  });
}

/** Marks one item read (status READ, timeline entry). Null when the user has no such item. */
export async function markRead(deps: ApiDeps, recipientId: string, id: string, actor: Actor) {
  const row = await getInboxItem(deps.db, recipientId, id);
  if (!row) return null;
  if (await read(deps, row, actor, new Date()))
    await announceInboxEvent(deps, recipientId, { type: "read", ids: [id] });
  return getNotification(deps.db, id);
}

/** Marks every unread item read; returns how many changed. */
export async function markAllRead(deps: ApiDeps, recipientId: string, actor: Actor): Promise<number> {
  let changed = 0;
  const at = new Date();
  for (;;) {
    const ids = await listUnreadInboxIds(deps.db, recipientId, 500);
    if (ids.length === 0) break;
    let progressed = 0;
    // A handful at a time: each is its own small statement (state machine + timeline).
    for (let i = 0; i < ids.length; i += 8) {
      const moved = await Promise.all(
        ids.slice(i, i + 8).map(async (id) => {
          const row = await getInboxItem(deps.db, recipientId, id);
          return row ? read(deps, row, actor, at) : false;
        }),
      );
      progressed += moved.filter(Boolean).length;
    }
    changed += progressed;
    if (progressed === 0) break;
  }
  if (changed > 0) await announceInboxEvent(deps, recipientId, { type: "read_all" });
  return changed;
}

export async function markSeen(deps: ApiDeps, recipientId: string, id: string) {
  const row = await getInboxItem(deps.db, recipientId, id);
  if (!row) return null;
  if ((await markInboxSeen(deps.db, recipientId, [id])).length > 0) {
    await announceInboxEvent(deps, recipientId, { type: "seen", ids: [id] });
  }
  return getNotification(deps.db, id);
}

/**
 * Marks those of `ids` that are this user's unseen items seen, in one
 * statement, and announces them in one `seen` event. Ids of other users'
 * items, or of items seen already, are left out: returns the ids that changed.
 */
export async function markManySeen(deps: ApiDeps, recipientId: string, ids: string[]): Promise<string[]> {
  const changed = await markInboxSeen(deps.db, recipientId, ids);
  if (changed.length > 0) await announceInboxEvent(deps, recipientId, { type: "seen", ids: changed });
  return changed;
}

/**
 * Marks every unseen item seen; returns how many changed. Announced as
 * `seen_all`, not `seen` with the ids: an inbox never opened can hold
 * thousands, and every open stream and the replay log would carry them all.
 */
export async function markAllSeen(deps: ApiDeps, recipientId: string): Promise<number> {
  const changed = await markInboxSeen(deps.db, recipientId, "all");
  if (changed.length > 0) await announceInboxEvent(deps, recipientId, { type: "seen_all" });
  return changed.length;
}

export async function archive(deps: ApiDeps, recipientId: string, id: string) {
  const row = await getInboxItem(deps.db, recipientId, id);
  if (!row) return null;
  if ((await archiveInboxItems(deps.db, recipientId, [id])).length > 0) {
    await announceInboxEvent(deps, recipientId, { type: "archived", ids: [id] });
  }
  return getNotification(deps.db, id);
}

/**
 * Marks a read item unread again (the inbox's flag: `read_at` cleared; the
 * status stays READ, the timeline gets an entry). An unread item is left as
 * it is. Null when the user has no such item.
 */
export async function markUnread(deps: ApiDeps, recipientId: string, id: string, actor: Actor) {
  const row = await getInboxItem(deps.db, recipientId, id);
  if (!row) return null;
  if (await markInboxUnread(deps.db, recipientId, id, { source: "inbox", by: actor, action: "unread" })) {
    await announceInboxEvent(deps, recipientId, { type: "unread", ids: [id] });
  }
  return getNotification(deps.db, id);
}

/** Brings an archived item back into the feed (in its place: the feed is ordered by creation). */
export async function unarchive(deps: ApiDeps, recipientId: string, id: string) {
  const row = await getInboxItem(deps.db, recipientId, id);
  if (!row) return null;
  if ((await unarchiveInboxItems(deps.db, recipientId, [id])).length > 0) {
    await announceInboxEvent(deps, recipientId, { type: "unarchived", ids: [id] });
  }
  return getNotification(deps.db, id);
}
