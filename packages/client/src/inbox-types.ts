import type { NotificationStatus, PageOptions } from "./types.ts";

/** Of the items not archived. */
export interface InboxCounts {
  unread: number;
  /** Not yet shown in a list (seen is weaker than read). */
  unseen: number;
  total: number;
}

/** An in-app notification as the user's inbox shows it. */
export interface InboxItem {
  id: string;
  type: string;
  category: string;
  title: string;
  body: string;
  url?: string;
  data?: Record<string, unknown>;
  /** The notification's status (`SENT`, `DELIVERED`, `READ`…). */
  status: NotificationStatus;
  read: boolean;
  seen: boolean;
  archived: boolean;
  createdAt: string;
  sentAt?: string;
  readAt?: string;
  seenAt?: string;
  archivedAt?: string;
}

export interface InboxFilter extends PageOptions {
  /** Only unread items. Default false. */
  unread?: boolean;
  /** Only archived items. Default false: archived items are hidden. */
  archived?: boolean;
}

export interface InboxPage {
  data: InboxItem[];
  nextCursor: string | null;
  counts: InboxCounts;
}

/** An item after a change, with the counts it left, so a badge needs no second request. */
export interface InboxItemResult {
  item: InboxItem;
  counts: InboxCounts;
}

export interface InboxReadAllResult {
  /** Items this request marked read. */
  updated: number;
  counts: InboxCounts;
}

/** What a bulk `markSeen(userId, ids)` changed. */
export interface InboxSeenResult {
  /** Items marked seen: those of the ids that were the user's and not seen yet. */
  updated: number;
  /** Their ids. */
  ids: string[];
  counts: InboxCounts;
}

export interface InboxSeenAllResult {
  /** Items this request marked seen. */
  updated: number;
  counts: InboxCounts;
}
