import {
  addTopicSubscribers,
  countTopicSubscribers,
  decodeKeyCursor,
  deleteTopic,
  encodeCursor,
  encodeKeyCursor,
  getTopic,
  listTopicSubscribers,
  listTopics,
  removeTopicSubscribers,
} from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { type AuditTarget, noteAudit, pathTarget, validated } from "../middleware/audited.ts";
import { commonErrors, jsonResponse, notFoundError, PageQuery } from "../schemas/common.ts";
import {
  AddedSchema,
  AddSubscribersSchema,
  RemovedSchema,
  RemoveSubscribersSchema,
  SubscriberPageSchema,
  TopicKeyParam,
  TopicPageSchema,
  TopicPrefix,
  TopicSchema,
} from "../schemas/topic.ts";
import { askToMoveDigests } from "../services/digest-moves.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";

const tags = ["Topics"];

const addSubscribers = createRoute({
  method: "post",
  path: "/v1/topics/{key}/subscribers",
  tags,
  summary: "Subscribe users to a topic",
  description:
    "Creates the topic on first use. Strings are user ids; objects also create or update the recipient's contact data, like `user` on an event. Users already subscribed are not counted again.",
  middleware: [requireScope("users:write")] as const,
  request: {
    params: TopicKeyParam,
    body: { required: true, content: { "application/json": { schema: AddSubscribersSchema } } },
  },
  responses: { 200: jsonResponse(AddedSchema, "Subscribed"), ...commonErrors },
});

const removeSubscribers = createRoute({
  method: "delete",
  path: "/v1/topics/{key}/subscribers",
  tags,
  summary: "Unsubscribe users from a topic",
  description:
    "The user ids go in the body (a DELETE with a body). 404 for a topic no one ever subscribed to.",
  middleware: [requireScope("users:write")] as const,
  request: {
    params: TopicKeyParam,
    body: { required: true, content: { "application/json": { schema: RemoveSubscribersSchema } } },
  },
  responses: { 200: jsonResponse(RemovedSchema, "Unsubscribed"), ...commonErrors, ...notFoundError },
});

const listSubscribers = createRoute({
  method: "get",
  path: "/v1/topics/{key}/subscribers",
  tags,
  summary: "A topic's subscribers, a page at a time",
  middleware: [requireScope("read")] as const,
  request: {
    params: TopicKeyParam,
    query: z.object({
      ...PageQuery,
      limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ example: 100 }),
    }),
  },
  responses: { 200: jsonResponse(SubscriberPageSchema, "Subscribers"), ...commonErrors, ...notFoundError },
});

const getOne = createRoute({
  method: "get",
  path: "/v1/topics/{key}",
  tags,
  summary: "A topic and its subscriber count",
  middleware: [requireScope("read")] as const,
  request: { params: TopicKeyParam },
  responses: { 200: jsonResponse(TopicSchema, "The topic"), ...commonErrors, ...notFoundError },
});

const list = createRoute({
  method: "get",
  path: "/v1/topics",
  tags,
  summary: "The topics, a page at a time",
  description:
    "In key order (byte order), each with its subscriber count. Pass `nextCursor` as `cursor` for the next " +
    "page; a topic created or deleted meanwhile neither repeats nor skips another. `prefix` keeps the keys " +
    "that start with it.",
  middleware: [requireScope("read")] as const,
  request: {
    query: z.object({
      ...PageQuery,
      // This list's cursors hold a topic key, not a notification id.
      cursor: PageQuery.cursor.openapi({ example: encodeKeyCursor("news.weekly") }),
      prefix: TopicPrefix,
    }),
  },
  responses: { 200: jsonResponse(TopicPageSchema, "Topics in key order"), ...commonErrors },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/topics/{key}",
  tags,
  summary: "Delete a topic and its subscriptions",
  description:
    "The users stay; only their membership goes. New events to the key answer 404 until someone is " +
    "subscribed to it again, which creates the topic afresh. An event sent to the topic before the delete " +
    "keeps the notifications its fan-out already made (withdraw those not sent yet with " +
    "`DELETE /v1/events/{eventId}`); the part of its fan-out not run yet finds no subscribers, so an event " +
    "not fanned out yet reaches no one. Either way it ends `routed`, with nothing failed or dead-lettered. " +
    "Logged at info with the caller's key or dashboard account id.",
  middleware: [requireScope("users:write")] as const,
  request: { params: TopicKeyParam },
  responses: { 204: { description: "Deleted" }, ...commonErrors, ...notFoundError },
});

/**
 * A dashboard's (un)subscription of one user is about that user (their page
 * lists it; their erase renames it); of several, about the topic, with a
 * count: user ids are not details.
 */
function subscription(users: (c: Context<HonoEnv>) => unknown[]) {
  const one = (c: Context<HonoEnv>) => {
    const list = users(c);
    const only = list.length === 1 ? list[0] : undefined;
    return typeof only === "string" ? only : (only as { userId?: string } | undefined)?.userId;
  };
  return {
    callers: "dashboard" as const,
    target: (c: Context<HonoEnv>): AuditTarget | null => {
      const userId = one(c);
      return userId ? { type: "user", id: userId } : pathTarget("topic", "key")(c);
    },
    details: (c: Context<HonoEnv>) => (one(c) ? { topic: c.req.param("key") } : { users: users(c).length }),
  };
}

export function registerTopics(app: App, deps: ApiDeps): void {
  const mustExist = async (key: string) => {
    const topic = await getTopic(deps.db, key);
    if (!topic) throw new HeraldError("not_found", `No topic ${key}.`);
    return topic;
  };

  const subscribe = subscription((c) => validated<{ subscribers: unknown[] }>(c).subscribers);
  app.openapi(deps.audit.route(addSubscribers, "topic.subscribe", subscribe), async (c) => {
    const { key } = c.req.valid("param");
    const inputs = c.req.valid("json").subscribers.map((s) => {
      if (typeof s === "string") return { userId: s };
      const { userId, ...fields } = s;
      return { userId, fields };
    });
    const { added, digestsUnsettled } = await addTopicSubscribers(deps.db, key, inputs);
    await askToMoveDigests(deps, digestsUnsettled);
    return c.json({ topic: key, added }, 200);
  });

  const unsubscribe = subscription((c) => validated<{ userIds: string[] }>(c).userIds);
  app.openapi(deps.audit.route(removeSubscribers, "topic.unsubscribe", unsubscribe), async (c) => {
    const { key } = c.req.valid("param");
    // A mistyped key is a 404, as on GET, rather than a quiet `removed: 0`.
    await mustExist(key);
    return c.json(await removeTopicSubscribers(deps.db, key, c.req.valid("json").userIds), 200);
  });

  app.openapi(listSubscribers, async (c) => {
    const { key } = c.req.valid("param");
    const q = c.req.valid("query");
    const after = decodeCursorOrThrow(q.cursor) ?? null;
    await mustExist(key);
    const rows = await listTopicSubscribers(deps.db, key, after, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json(
      {
        data: page.map((r) => ({ userId: r.userId, subscribedAt: r.subscribedAt.toISOString() })),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null,
      },
      200,
    );
  });

  app.openapi(getOne, async (c) => {
    const topic = await mustExist(c.req.valid("param").key);
    return c.json(
      { key: topic.key, subscriberCount: topic.subscriberCount, createdAt: topic.createdAt.toISOString() },
      200,
    );
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const after = q.cursor === undefined ? null : decodeKeyCursor(q.cursor);
    if (q.cursor !== undefined && !after)
      throw new HeraldError("malformed_request", "Invalid cursor: pass nextCursor from the previous page.");
    const rows = await listTopics(deps.db, { prefix: q.prefix, afterKey: after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    // Counted for the page only: the row fetched to know there is a next page may be a big topic.
    const counts = await countTopicSubscribers(
      deps.db,
      page.map((t) => t.key),
    );
    const last = page[page.length - 1];
    return c.json(
      {
        data: page.map((t) => ({
          key: t.key,
          subscriberCount: counts.get(t.key) ?? 0,
          createdAt: t.createdAt.toISOString(),
        })),
        nextCursor: rows.length > q.limit && last ? encodeKeyCursor(last.key) : null,
      },
      200,
    );
  });

  app.openapi(deps.audit.route(remove, "topic.delete", { target: pathTarget("topic", "key") }), async (c) => {
    const { key } = c.req.valid("param");
    const deleted = await deleteTopic(deps.db, key);
    if (!deleted) throw new HeraldError("not_found", `No topic ${key}.`);
    noteAudit(c, { details: { subscribers: deleted.subscribers } });
    deps.logger.info(
      {
        topic: key,
        subscribers: deleted.subscribers,
        // A dashboard session's stand-in key has the account's id.
        by: c.get("apiKey")?.id,
        via: c.get("dashboardUser") ? "dashboard" : "api_key",
      },
      "topic deleted",
    );
    return c.body(null, 204);
  });
}
