import { listOutbox, searchRecipients, toPage } from "@herald/db";
import { CHANNELS } from "@herald/domain";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { commonErrors, PageQuery } from "../schemas/common.ts";
import { OutboxListSchema, UserSearchSchema } from "../schemas/dashboard.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";
import { seesSecrets, visibleContent } from "../services/secret-content.ts";

const searchUsers = createRoute({
  method: "get",
  path: "/v1/dashboard/users",
  tags: ["Dashboard"],
  summary: "Find users by user id, e-mail, phone or Herald id (usr_…)",
  description:
    "Case-insensitive substring match, newest users first. Erased users are left out. Pass `nextCursor` as `cursor` for the next page; updates made meanwhile move no one, so pages neither repeat nor skip a user.",
  middleware: [requireScope("read")] as const,
  request: {
    query: z.object({
      q: z.string().max(320).default("").openapi({ example: "ada@" }),
      limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ example: 25 }),
      cursor: PageQuery.cursor,
    }),
  },
  responses: {
    200: { description: "Matching users", content: { "application/json": { schema: UserSearchSchema } } },
    ...commonErrors,
  },
});

const outbox = createRoute({
  method: "get",
  path: "/v1/dashboard/outbox",
  tags: ["Dashboard"],
  summary: "Messages the dev outbox provider captured",
  description: "Newest first. Only filled when a channel uses the `outbox` provider (development).",
  middleware: [requireScope("read")] as const,
  request: {
    query: z.object({
      channel: z.enum(CHANNELS).optional().openapi({ example: "email" }),
      notificationId: z.string().max(64).optional().openapi({ example: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x" }),
      ...PageQuery,
    }),
  },
  responses: {
    200: { description: "Captured messages", content: { "application/json": { schema: OutboxListSchema } } },
    ...commonErrors,
  },
});

/** Read-only lookups the dashboard needs beyond the public API: user search, the dev outbox. */
export function registerDashboardData(app: App, deps: ApiDeps): void {
  app.openapi(searchUsers, async (c) => {
    const { q, limit, cursor } = c.req.valid("query");
    const afterId = decodeCursorOrThrow(cursor);
    const page = toPage(await searchRecipients(deps.db, q.trim(), limit + 1, afterId), limit);
    return c.json(
      {
        data: page.data.map((r) => ({
          userId: r.externalId,
          id: r.id,
          email: r.email,
          phone: r.phone,
          timezone: r.timezone,
          updatedAt: r.updatedAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  });

  app.openapi(outbox, async (c) => {
    const q = c.req.valid("query");
    const beforeId = decodeCursorOrThrow(q.cursor);
    const rows = await listOutbox(
      deps.db,
      {
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.notificationId ? { notificationId: q.notificationId } : {}),
        ...(beforeId ? { beforeId } : {}),
      },
      q.limit + 1,
    );
    const page = toPage(rows, q.limit);
    const sees = seesSecrets(c);
    return c.json(
      {
        data: page.data.map((m) => ({
          id: m.id,
          notificationId: m.notificationId,
          channel: m.channel,
          destination: m.destination,
          // A message whose notification retention removed has no category left: hidden to be safe.
          content: visibleContent(m.content as Record<string, unknown>, m.category ?? "security", sees),
          createdAt: m.createdAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      },
      200,
    );
  });
}
