import { getEvent, listEventMisses, toPage } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { commonErrors, EventIdParam, jsonResponse, notFoundError, PageQuery } from "../schemas/common.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";

const EventMissSchema = z
  .object({
    userId: z.string().openapi({ example: "user_123" }),
    suppressed: z.array(z.object({ channel: z.string(), reason: z.string() })).openapi({
      description:
        "Every channel of the type, each with why it was skipped for this subscriber (`condition`: the type's catalog condition was false for them; `condition_error`: it threw; `opted_out`, `unreachable`…)",
      example: [
        { channel: "email", reason: "opted_out" },
        { channel: "push", reason: "unreachable" },
      ],
    }),
  })
  .openapi("EventMiss");

const list = createRoute({
  method: "get",
  path: "/v1/events/{eventId}/misses",
  tags: ["Events"],
  summary: "A topic event's subscribers who got nothing, and why",
  description:
    "The subscribers for whom a topic event's fan-out made no notification at all (every channel opted out, " +
    "unreachable, left out by the type's conditions…), by user, each with the channels skipped and why; `fanout.skipped` on the event counts " +
    "them. Empty for an event addressed to one user (its `suppressed` says why) and while the fan-out " +
    "runs for pages not done yet. Erased users are not listed. 404 for an unknown event.",
  middleware: [requireScope("read")] as const,
  request: {
    params: EventIdParam,
    query: z.object(PageQuery),
  },
  responses: {
    200: jsonResponse(
      z
        .object({ data: z.array(EventMissSchema), nextCursor: z.string().nullable() })
        .openapi("EventMissList", {
          example: {
            data: [{ userId: "user_123", suppressed: [{ channel: "email", reason: "opted_out" }] }],
            nextCursor: null,
          },
        }),
      "By user",
    ),
    ...commonErrors,
    ...notFoundError,
  },
});

/** Who a topic event reached with nothing: support's "which subscribers did not get the broadcast?". */
export function registerEventMisses(app: App, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const { eventId } = c.req.valid("param");
    const q = c.req.valid("query");
    const afterId = decodeCursorOrThrow(q.cursor) ?? null;
    if (!(await getEvent(deps.db, eventId))) throw new HeraldError("not_found", `No event ${eventId}.`);
    const page = toPage(await listEventMisses(deps.db, eventId, afterId, q.limit + 1), q.limit);
    return c.json(
      {
        data: page.data.map((m) => ({ userId: m.userId, suppressed: m.suppressed })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  });
}
