import type { InboxCounts, NotificationRow } from "@herald/db";
import { MAX_SEEN_IDS, NOTIFICATION_STATUSES } from "@herald/domain";
import { z } from "@hono/zod-openapi";
import { isoDate, Timestamp } from "./common.ts";

const EXAMPLE_COUNTS = { unread: 2, unseen: 1, total: 12 };
const EXAMPLE_ITEM = {
  id: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
  type: "order_placed",
  category: "transactional",
  title: "Order A-1042 confirmed",
  body: "3 items, €59.90 in total.",
  url: "https://shop.example.com/orders/A-1042",
  status: "SENT",
  read: false,
  seen: false,
  archived: false,
  createdAt: "2026-11-24T10:00:00.000Z",
  sentAt: "2026-11-24T10:00:00.050Z",
};

export const InboxCountsSchema = z
  .object({
    unread: z.number().int().openapi({ example: 3 }),
    unseen: z.number().int().openapi({ example: 1 }),
    total: z.number().int().openapi({ example: 12 }),
  })
  .openapi("InboxCounts");

export const InboxItemSchema = z
  .object({
    id: z.string().openapi({ example: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
    type: z.string().openapi({ example: "order_placed" }),
    category: z.string(),
    title: z.string().openapi({ example: "Order A-1042 confirmed" }),
    body: z.string().openapi({ example: "3 items, €59.90 in total." }),
    url: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    status: z.enum(NOTIFICATION_STATUSES).openapi({ example: "SENT" }),
    read: z.boolean(),
    seen: z.boolean(),
    archived: z.boolean(),
    createdAt: Timestamp,
    sentAt: Timestamp.optional(),
    readAt: Timestamp.optional(),
    seenAt: Timestamp.optional(),
    archivedAt: Timestamp.optional(),
  })
  .openapi("InboxItem", { example: EXAMPLE_ITEM });

export const InboxFeedSchema = z
  .object({ data: z.array(InboxItemSchema), nextCursor: z.string().nullable(), counts: InboxCountsSchema })
  .openapi("InboxFeed", { example: { data: [EXAMPLE_ITEM], nextCursor: null, counts: EXAMPLE_COUNTS } });

export const InboxItemResultSchema = z
  .object({ item: InboxItemSchema, counts: InboxCountsSchema })
  .openapi("InboxItemResult", {
    example: {
      item: { ...EXAMPLE_ITEM, status: "READ", read: true, readAt: "2026-11-24T10:02:00.000Z" },
      counts: EXAMPLE_COUNTS,
    },
  });

/** What `unread` and `unarchive` answer, for their routes' documentation (the schema's example is a read). */
export const INBOX_UNDO_EXAMPLES = {
  unread: {
    item: { ...EXAMPLE_ITEM, status: "READ", read: false, seen: true, seenAt: "2026-11-24T10:02:00.000Z" },
    counts: { ...EXAMPLE_COUNTS, unread: 3 },
  },
  unarchive: { item: EXAMPLE_ITEM, counts: { ...EXAMPLE_COUNTS, unread: 3, unseen: 2, total: 13 } },
};

/** A notification id where an inbox route takes one: the item's path parameter and the bulk `seen` body alike. */
export const InboxItemId = z.string().min(1).max(64).openapi({ example: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w" });

const EXAMPLE_IDS = ["ntf_01jd8q3k5m6n7p8q9r0s1t2v3w", "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x"];

export const InboxSeenRequestSchema = z
  .object({
    ids: z
      .array(InboxItemId)
      .min(1)
      .max(MAX_SEEN_IDS)
      .openapi({ description: `The items shown to the user: 1 to ${MAX_SEEN_IDS} notification ids` }),
  })
  .openapi("InboxSeenRequest", { example: { ids: EXAMPLE_IDS } });

export const InboxSeenSchema = z
  .object({
    updated: z.number().int().openapi({ description: "How many items this request marked seen" }),
    ids: z
      .array(z.string())
      .openapi({ description: "Those items' ids (the others were seen already, or not the user's)" }),
    counts: InboxCountsSchema,
  })
  .openapi("InboxSeen", {
    example: { updated: 1, ids: [EXAMPLE_IDS[0]], counts: { unread: 2, unseen: 0, total: 12 } },
  });

export const InboxSeenAllSchema = z
  .object({ updated: z.number().int(), counts: InboxCountsSchema })
  .openapi("InboxSeenAll", { example: { updated: 3, counts: { unread: 2, unseen: 0, total: 12 } } });

export function serializeInboxItem(n: NotificationRow) {
  const c = n.content as { title?: string; body?: string; url?: string; data?: Record<string, unknown> };
  return {
    id: n.id,
    type: n.type,
    category: n.category,
    title: c.title ?? "",
    body: c.body ?? "",
    ...(c.url ? { url: c.url } : {}),
    ...(c.data ? { data: c.data } : {}),
    status: n.status,
    read: n.readAt !== null,
    seen: n.seenAt !== null,
    archived: n.archivedAt !== null,
    createdAt: n.createdAt.toISOString(),
    ...(n.sentAt ? { sentAt: isoDate(n.sentAt) } : {}),
    ...(n.readAt ? { readAt: isoDate(n.readAt) } : {}),
    ...(n.seenAt ? { seenAt: isoDate(n.seenAt) } : {}),
    ...(n.archivedAt ? { archivedAt: isoDate(n.archivedAt) } : {}),
  };
}

export const ZERO_COUNTS: InboxCounts = { unread: 0, unseen: 0, total: 0 };
