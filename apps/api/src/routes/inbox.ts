import {
  getRecipient,
  inboxCounts,
  listInbox,
  markDeliveredMany,
  type RecipientRow,
  toPage,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { browserCors } from "../middleware/inbox-cors.ts";
import { apiKeyInHeader, userTokenAuth } from "../middleware/user-token-auth.ts";
import {
  commonErrors,
  jsonResponse,
  notFoundError,
  PageQuery,
  UserIdParam,
  userTokenErrors,
} from "../schemas/common.ts";
import {
  INBOX_UNDO_EXAMPLES,
  InboxFeedSchema,
  InboxItemId,
  InboxItemResultSchema,
  serializeInboxItem,
  ZERO_COUNTS,
} from "../schemas/inbox.ts";
import {
  type Actor,
  archive,
  markAllRead,
  markRead,
  markSeen,
  markUnread,
  unarchive,
} from "../services/inbox-actions.ts";
import { liveRecipient } from "../services/live-recipient.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";
import type { UserTokens } from "../services/user-tokens.ts";
import { registerInboxSeen } from "./inbox-seen.ts";
import { registerInboxStream } from "./inbox-stream.ts";

const tags = ["Inbox"];
const security: Record<string, string[]>[] = [{ UserToken: [] }, { ApiKey: [] }];
const flag = z
  .enum(["true", "false"])
  .optional()
  .transform((v) => v === "true");

const ItemParam = UserIdParam.extend({
  notificationId: InboxItemId.openapi({
    param: { name: "notificationId", in: "path" },
    example: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
  }),
});

const UNREAD_DESCRIPTION =
  "The inbox's unread flag only: `readAt` is cleared and the item counts as unread again, while its " +
  "`status` stays `READ` (statuses only move forward; the stats keep the read, and the timeline gets an " +
  "entry). Reading it again sets `readAt` and adds an entry, status unmoved. An unread item is left as " +
  "it is (200). No status webhook: the status did not change. The user's streams get `unread`.";
const UNARCHIVE_DESCRIPTION =
  "The item returns to the feed in its place (the feed is ordered by creation) and to the counts. One " +
  "not archived is left as it is (200). The user's streams get `unarchived` (with the item).";

const feed = createRoute({
  method: "get",
  path: "/v1/users/{userId}/inbox",
  tags,
  security,
  summary: "A user's in-app feed, newest first, with unread/unseen counts",
  description:
    "Fetching a page is the in-app delivery: its SENT items become DELIVERED. A user id Herald has not seen " +
    "yet has an empty feed (not a 404), and nothing is created.",
  request: {
    params: UserIdParam,
    query: z.object({
      ...PageQuery,
      unread: flag.openapi({ description: "`true`: only unread items", example: "true" }),
      archived: flag.openapi({
        description: "`true`: only archived items (default: hide them)",
        example: "false",
      }),
    }),
  },
  responses: { 200: jsonResponse(InboxFeedSchema, "The feed page"), ...commonErrors, ...userTokenErrors },
});

type ItemAction = "read" | "seen" | "archive" | "unread" | "unarchive";

const itemAction = (action: ItemAction, summary: string, description?: string) =>
  createRoute({
    method: "post",
    path: `/v1/users/{userId}/inbox/{notificationId}/${action}`,
    tags,
    security,
    summary,
    ...(description ? { description } : {}),
    request: { params: ItemParam },
    responses: {
      200: {
        description: "The item after the change",
        content: {
          "application/json": {
            schema: InboxItemResultSchema,
            ...(action === "unread" || action === "unarchive"
              ? { example: INBOX_UNDO_EXAMPLES[action] }
              : {}),
          },
        },
      },
      ...commonErrors,
      ...userTokenErrors,
      ...notFoundError,
    },
  });

const readAll = createRoute({
  method: "post",
  path: "/v1/users/{userId}/inbox/read-all",
  tags,
  security,
  summary: "Mark every unread item read",
  request: { params: UserIdParam },
  responses: {
    200: jsonResponse(
      z
        .object({ updated: z.number().int(), counts: InboxFeedSchema.shape.counts })
        .openapi("InboxReadAll", { example: { updated: 3, counts: { unread: 0, unseen: 0, total: 12 } } }),
      "How many changed",
    ),
    ...commonErrors,
    ...userTokenErrors,
  },
});

const actorOf = (c: Context<HonoEnv>): Actor => (c.get("apiKey") ? "api" : "user");

export interface InboxAuth {
  /** The app's own key check, so a key revoked in this process stops here at once too, and `API_KEY_CACHE_MS` applies. */
  apiKey: MiddlewareHandler<HonoEnv>;
  /** The app's rate limiter: these routes know their caller only after their own auth. */
  limit: MiddlewareHandler<HonoEnv>;
  tokens: UserTokens;
}

/** The inbox routes, opened by the user's token or an API key. */
export function registerInbox(app: App, deps: ApiDeps, { apiKey, limit, tokens }: InboxAuth): void {
  // The user's token (`?token=` too, for EventSource) or, for backends, an API key with the route's scope.
  const auth = userTokenAuth({
    tokens,
    opens: "inbox",
    queryToken: true,
    otherwise: apiKeyInHeader({
      apiKey,
      scope: (method) => (method === "GET" || method === "HEAD" ? "read" : "users:write"),
    }),
  });
  const cors = browserCors(deps.env.INBOX_CORS_ORIGINS);
  // Hono's `/inbox/*` matches `/inbox` itself too.
  app.use("/v1/users/:userId/inbox/*", cors, auth, limit);

  const recipientOr404 = (userId: string): Promise<RecipientRow> => liveRecipient(deps.db, userId);

  app.openapi(feed, async (c) => {
    const { userId } = c.req.valid("param");
    const q = c.req.valid("query");
    const beforeId = decodeCursorOrThrow(q.cursor);
    const r = await getRecipient(deps.db, userId);
    // A user who never got anything has an empty inbox, not a 404: the widget renders either way.
    if (!r || r.erasedAt) return c.json({ data: [], nextCursor: null, counts: ZERO_COUNTS }, 200);
    const [rows, counts] = await Promise.all([
      listInbox(deps.db, r.id, {
        unread: q.unread,
        archived: q.archived,
        limit: q.limit + 1,
        ...(beforeId ? { beforeId } : {}),
      }),
      inboxCounts(deps.db, r.id),
    ]);
    const page = toPage(rows, q.limit);
    // In-app is delivered once the user's client has it (SPEC §5 tracking): this fetch is that moment.
    const delivered = new Set(
      await markDeliveredMany(
        deps.db,
        page.data.filter((n) => n.status === "SENT").map((n) => n.id),
        { detail: { source: "inbox_fetch" } },
      ),
    );
    const data = page.data.map((n) =>
      serializeInboxItem(delivered.has(n.id) ? { ...n, status: "DELIVERED" } : n),
    );
    return c.json({ data, nextCursor: page.nextCursor, counts }, 200);
  });

  const actions = {
    read: (r: RecipientRow, id: string, c: Context<HonoEnv>) => markRead(deps, r.id, id, actorOf(c)),
    seen: (r: RecipientRow, id: string) => markSeen(deps, r.id, id),
    archive: (r: RecipientRow, id: string) => archive(deps, r.id, id),
    unread: (r: RecipientRow, id: string, c: Context<HonoEnv>) => markUnread(deps, r.id, id, actorOf(c)),
    unarchive: (r: RecipientRow, id: string) => unarchive(deps, r.id, id),
  };
  for (const [action, summary, description] of [
    ["read", "Mark an item read", undefined],
    ["seen", "Mark an item seen", undefined],
    ["archive", "Archive an item", undefined],
    ["unread", "Mark a read item unread again", UNREAD_DESCRIPTION],
    ["unarchive", "Bring an archived item back into the feed", UNARCHIVE_DESCRIPTION],
  ] as const) {
    app.openapi(itemAction(action, summary, description), async (c) => {
      const { userId, notificationId } = c.req.valid("param");
      const r = await recipientOr404(userId);
      const row = await actions[action](r, notificationId, c);
      if (!row) throw new HeraldError("not_found", `No inbox item ${notificationId} for user ${userId}.`);
      return c.json({ item: serializeInboxItem(row), counts: await inboxCounts(deps.db, r.id) }, 200);
    });
  }

  app.openapi(readAll, async (c) => {
    // Like the feed: an unknown or erased user has an empty inbox. Reading it creates no one.
    const r = await getRecipient(deps.db, c.req.valid("param").userId);
    if (!r || r.erasedAt) return c.json({ updated: 0, counts: ZERO_COUNTS }, 200);
    const updated = await markAllRead(deps, r.id, actorOf(c));
    return c.json({ updated, counts: await inboxCounts(deps.db, r.id) }, 200);
  });

  registerInboxSeen(app, deps);
  registerInboxStream(app, deps, tokens);
}
