import { listUserEvents, toPage } from "@herald/db";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { commonErrors, PageQuery, UserIdParam } from "../schemas/common.ts";
import { EventSchema, serializeEvent } from "../schemas/event.ts";
import { exampleEvent } from "../schemas/examples.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";
import { seesSecrets } from "../services/secret-content.ts";

const UserEventSchema = EventSchema.omit({ notifications: true, fanout: true })
  .extend({
    notificationCount: z
      .number()
      .int()
      .openapi({ description: "Notifications the event made (0 while it is not routed yet)", example: 1 }),
  })
  .openapi("UserEvent");

const { notifications: _, ...exampleItem } = exampleEvent;

const list = createRoute({
  method: "get",
  path: "/v1/users/{userId}/events",
  tags: ["Users"],
  summary: "A user's events and what became of each",
  description:
    "The events triggered for this user (not topic events they received as a subscriber), newest first, with how many notifications each made and the channels it skipped and why (`suppressed`). With `sentNothing=true`, only the events that made no notification at all: every channel skipped (opted out, unreachable…) or routing failed; and also the topic events whose fan-out made nothing for this user, with this user's skipped channels as `suppressed` and `notificationCount` 0. Those have no notification to find in `GET /v1/notifications`.",
  middleware: [requireScope("read")] as const,
  request: {
    params: UserIdParam,
    query: z.object({
      sentNothing: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "`true`: only events that made no notification", example: "true" }),
      ...PageQuery,
    }),
  },
  responses: {
    200: {
      description: "Newest first",
      content: {
        "application/json": {
          schema: z
            .object({ data: z.array(UserEventSchema), nextCursor: z.string().nullable() })
            .openapi("UserEventList", {
              example: {
                data: [
                  {
                    ...exampleItem,
                    suppressed: [
                      { channel: "email", reason: "opted_out" },
                      { channel: "sms", reason: "unreachable" },
                    ],
                    notificationCount: 0,
                  },
                ],
                nextCursor: null,
              },
            }),
        },
      },
    },
    ...commonErrors,
  },
});

/** A user's events, for support's "why did this user get nothing?". */
export function registerUserEvents(app: App, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const { userId } = c.req.valid("param");
    const q = c.req.valid("query");
    const beforeId = decodeCursorOrThrow(q.cursor);
    const rows = await listUserEvents(
      deps.db,
      userId,
      { sentNothing: q.sentNothing === "true", ...(beforeId ? { beforeId } : {}) },
      q.limit + 1,
    );
    const page = toPage(rows, q.limit);
    const sees = seesSecrets(c);
    return c.json(
      {
        data: page.data.map((e) => ({ ...serializeEvent(e, sees), notificationCount: e.notificationCount })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  });
}
