import { getRecipient, inboxCounts } from "@herald/db";
import { MAX_SEEN_IDS } from "@herald/domain";
import { createRoute } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { commonErrors, jsonResponse, UserIdParam, userTokenErrors } from "../schemas/common.ts";
import {
  InboxSeenAllSchema,
  InboxSeenRequestSchema,
  InboxSeenSchema,
  ZERO_COUNTS,
} from "../schemas/inbox.ts";
import { markAllSeen, markManySeen } from "../services/inbox-actions.ts";

const tags = ["Inbox"];
const security: Record<string, string[]>[] = [{ UserToken: [] }, { ApiKey: [] }];

const seenMany = createRoute({
  method: "post",
  path: "/v1/users/{userId}/inbox/seen",
  tags,
  security,
  summary: "Mark the items shown to the user seen, in one request",
  description:
    `What a feed does when it opens: up to ${MAX_SEEN_IDS} ids (a page), changed in one statement and ` +
    "announced to the user's streams in one `seen` event. Ids that are not this user's inbox items, or are " +
    "seen already, are left out (no 404: it is a bulk call); `ids` names those that changed. A user Herald " +
    "has not seen yet has nothing to change, and nothing is created. Archived items among the ids are marked " +
    "too (they were shown: in the feed before another tab archived them, or in the archived view), as the " +
    "per-item route marks them; the counts leave them out.",
  request: {
    params: UserIdParam,
    body: { required: true, content: { "application/json": { schema: InboxSeenRequestSchema } } },
  },
  responses: {
    200: jsonResponse(InboxSeenSchema, "What changed, and the counts it left"),
    ...commonErrors,
    ...userTokenErrors,
  },
});

const seenAll = createRoute({
  method: "post",
  path: "/v1/users/{userId}/inbox/seen-all",
  tags,
  security,
  summary: "Mark every unseen item seen",
  description:
    "Archived items aside, as the counts leave them out. Announced to the user's streams as one `seen_all` " +
    "event (no ids: there may be thousands).",
  request: { params: UserIdParam },
  responses: {
    200: jsonResponse(InboxSeenAllSchema, "How many changed"),
    ...commonErrors,
    ...userTokenErrors,
  },
});

/** The bulk `seen` routes; `registerInbox` has put its auth, CORS and rate limit in front of them. */
export function registerInboxSeen(app: App, deps: ApiDeps): void {
  app.openapi(seenMany, async (c) => {
    const { ids } = c.req.valid("json");
    // Like read-all: an unknown or erased user has an empty inbox. Marking it creates no one.
    const r = await getRecipient(deps.db, c.req.valid("param").userId);
    if (!r || r.erasedAt) return c.json({ updated: 0, ids: [], counts: ZERO_COUNTS }, 200);
    const changed = await markManySeen(deps, r.id, ids);
    return c.json({ updated: changed.length, ids: changed, counts: await inboxCounts(deps.db, r.id) }, 200);
  });

  app.openapi(seenAll, async (c) => {
    const r = await getRecipient(deps.db, c.req.valid("param").userId);
    if (!r || r.erasedAt) return c.json({ updated: 0, counts: ZERO_COUNTS }, 200);
    const updated = await markAllSeen(deps, r.id);
    return c.json({ updated, counts: await inboxCounts(deps.db, r.id) }, 200);
  });
}
