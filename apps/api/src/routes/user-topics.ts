import { decodeTimeKeyCursor, encodeTimeKeyCursor, listRecipientTopics } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { commonErrors, jsonResponse, notFoundError, PageQuery, UserIdParam } from "../schemas/common.ts";
import { UserTopicPageSchema } from "../schemas/topic.ts";
import { liveRecipient } from "../services/live-recipient.ts";

const list = createRoute({
  method: "get",
  path: "/v1/users/{userId}/topics",
  tags: ["Users"],
  summary: "The topics a user is subscribed to",
  description:
    "Newest subscription first. Pass `nextCursor` as `cursor` for the next page; leaving a topic meanwhile " +
    "neither repeats nor skips one. Leave one with `DELETE /v1/topics/{key}/subscribers`. An unknown or " +
    "erased user id answers 404.",
  middleware: [requireScope("read")] as const,
  request: {
    params: UserIdParam,
    query: z.object({
      ...PageQuery,
      // This list's cursors hold a time and a topic key, not a notification id.
      cursor: PageQuery.cursor.openapi({
        example: encodeTimeKeyCursor({ micros: "1764000000000000", key: "product-updates" }),
      }),
    }),
  },
  responses: {
    200: jsonResponse(UserTopicPageSchema, "Newest first"),
    ...commonErrors,
    ...notFoundError,
  },
});

/** A user's topic memberships: the other direction of `GET /v1/topics/{key}/subscribers`. */
export function registerUserTopics(app: App, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const { userId } = c.req.valid("param");
    const q = c.req.valid("query");
    const before = q.cursor === undefined ? null : decodeTimeKeyCursor(q.cursor);
    if (q.cursor !== undefined && !before)
      throw new HeraldError("malformed_request", "Invalid cursor: pass nextCursor from the previous page.");
    const r = await liveRecipient(deps.db, userId);
    const rows = await listRecipientTopics(deps.db, r.id, before, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json(
      {
        data: page.map((t) => ({ topic: t.topic, subscribedAt: t.subscribedAt.toISOString() })),
        nextCursor: rows.length > q.limit && last ? encodeTimeKeyCursor(last.position) : null,
      },
      200,
    );
  });
}
