import {
  cancelDigestItem,
  getNotification,
  getTimeline,
  listNotifications,
  toPage,
  transition,
} from "@herald/db";
import {
  CHANNELS,
  type Channel,
  FINAL_FAILURE_REASONS,
  NOTIFICATION_STATUSES,
  PRIORITY_RANK,
  type Priority,
} from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { pathTarget } from "../middleware/audited.ts";
import {
  CreatedRangeQuery,
  commonErrors,
  conflictError,
  NotificationIdParam,
  notFoundError,
  PageQuery,
} from "../schemas/common.ts";
import { exampleIds, exampleNotification } from "../schemas/examples.ts";
import {
  NotificationSchema,
  NotificationWithTimelineSchema,
  serializeNotification,
  serializeTimeline,
} from "../schemas/notification.ts";
import { giveBackFrequencySlots } from "../services/frequency-slots.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";
import { seesSecrets } from "../services/secret-content.ts";

const list = createRoute({
  method: "get",
  path: "/v1/notifications",
  tags: ["Notifications"],
  summary: "Search notifications",
  middleware: [requireScope("read")] as const,
  request: {
    query: z.object({
      userId: z.string().max(256).optional().openapi({ example: "user_123" }),
      eventId: z.string().max(64).optional().openapi({ example: exampleIds.event }),
      type: z.string().max(100).optional().openapi({ example: "order_placed" }),
      channel: z.enum(CHANNELS).optional().openapi({ example: "email" }),
      status: z.enum(NOTIFICATION_STATUSES).optional().openapi({ example: "SENT" }),
      ...CreatedRangeQuery,
      failedForGood: z
        .enum(["true", "false"])
        .optional()
        .openapi({
          description: `Only FAILED notifications: \`true\` those that failed for good (reason ${FINAL_FAILURE_REASONS.map((r) => `\`${r}\``).join(" or ")}: not retried until an operator retries them), \`false\` those waiting for their next attempt`,
          example: "true",
        }),
      ...PageQuery,
    }),
  },
  responses: {
    200: {
      description: "Newest first",
      content: {
        "application/json": {
          schema: z
            .object({ data: z.array(NotificationSchema), nextCursor: z.string().nullable() })
            .openapi("NotificationList", {
              example: {
                data: [exampleNotification],
                nextCursor: "bnRmXzAxamQ4cTNrNW02bjdwOHE5cjBzMXQydjN4",
              },
            }),
        },
      },
    },
    ...commonErrors,
  },
});

const getOne = createRoute({
  method: "get",
  path: "/v1/notifications/{notificationId}",
  tags: ["Notifications"],
  summary: "One notification with its status timeline",
  middleware: [requireScope("read")] as const,
  request: { params: NotificationIdParam },
  responses: {
    200: {
      description: "The notification",
      content: { "application/json": { schema: NotificationWithTimelineSchema } },
    },
    ...commonErrors,
    ...notFoundError,
  },
});

const cancel = createRoute({
  method: "delete",
  path: "/v1/notifications/{notificationId}",
  tags: ["Notifications"],
  summary: "Cancel a scheduled or queued notification",
  description:
    "Also an item waiting in a digest that has not gone out (it leaves the digest). 409 when it was already sent (or otherwise finished), or while a worker is sending it. Canceling a canceled notification answers 200 again. A canceled notification no longer counts against the user's frequency caps (`FREQUENCY_CAPS`). A send that starts in the instant of the cancel still goes out: the notification then moves on to SENT, its timeline showing both, and it counts against the caps as a sent one does.",
  middleware: [requireScope("events:write")] as const,
  request: { params: NotificationIdParam },
  responses: {
    200: { description: "Canceled", content: { "application/json": { schema: NotificationSchema } } },
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

export function registerNotifications(app: App, deps: ApiDeps): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const beforeId = decodeCursorOrThrow(q.cursor);
    const rows = await listNotifications(
      deps.db,
      {
        ...(q.userId ? { userId: q.userId } : {}),
        ...(q.eventId ? { eventId: q.eventId } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.since ? { since: new Date(q.since) } : {}),
        ...(q.until ? { until: new Date(q.until) } : {}),
        ...(q.failedForGood ? { failedForGood: q.failedForGood === "true" } : {}),
        ...(beforeId ? { beforeId } : {}),
      },
      q.limit + 1,
    );
    const page = toPage(rows, q.limit);
    const sees = seesSecrets(c);
    return c.json(
      { data: page.data.map((n) => serializeNotification(n, sees)), nextCursor: page.nextCursor },
      200,
    );
  });

  app.openapi(getOne, async (c) => {
    const { notificationId } = c.req.valid("param");
    const n = await getNotification(deps.db, notificationId);
    if (!n) throw new HeraldError("not_found", `No notification ${notificationId}.`);
    const timeline = await getTimeline(deps.db, notificationId);
    return c.json(
      { ...serializeNotification(n, seesSecrets(c)), timeline: serializeTimeline(timeline) },
      200,
    );
  });

  const notification = pathTarget("notification", "notificationId");
  app.openapi(
    deps.audit.route(cancel, "notification.cancel", { callers: "dashboard", target: notification }),
    async (c) => {
      const { notificationId } = c.req.valid("param");
      const before = await getNotification(deps.db, notificationId);
      if (!before) throw new HeraldError("not_found", `No notification ${notificationId}.`);
      const tooLate = (status: string) =>
        new HeraldError(
          "conflict",
          `Notification ${notificationId} is ${status} and can no longer be canceled.`,
        );
      // Asked again (a client retrying after a lost answer): the same answer, not a 409 that reads "sent".
      // Its slot is given back again, in case the first time found Redis down.
      if (before.status === "CANCELED") {
        await giveBackFrequencySlots(deps, [before]);
        return c.json(serializeNotification(before, seesSecrets(c)), 200);
      }
      // A worker holding it may already be talking to the provider: canceling now would answer
      // "canceled" for a message that goes out. Should the send start between this look and the
      // update below, its SENT still wins over CANCELED, so the record tells what happened, and the
      // slot given back below is taken again (giveBackFrequencySlots).
      if (await isBeingSent(deps.queues, before)) throw tooLate("being sent");
      const canceled =
        (await transition(deps.db, notificationId, "CANCELED", { detail: { by: "api" } })) ||
        // An item waiting in a digest that has not gone out leaves it (a canceled order must not
        // show up in tomorrow's digest).
        (await cancelDigestItem(deps.db, notificationId, { by: "api", from: "digest" }));
      const n = (await getNotification(deps.db, notificationId)) ?? before;
      if (!canceled && n.status !== "CANCELED") throw tooLate(n.status);
      await giveBackFrequencySlots(deps, [n]);
      // The worker skips canceled rows anyway; removing the job just frees the queue (a critical
      // notification's job waits in its channel's critical lane).
      await deps.queues.removeEverywhere(n.channel, notificationId);
      return c.json(serializeNotification(n, seesSecrets(c)), 200);
    },
  );
}

/** Whether the notification's own send job, or the send batch it belongs to, is running now. */
async function isBeingSent(
  queues: ApiDeps["queues"],
  n: { id: string; channel: Channel; priority: Priority; sendJob: string | null },
): Promise<boolean> {
  const priority = PRIORITY_RANK[n.priority];
  const jobs = n.sendJob && n.sendJob !== n.id ? [n.id, n.sendJob] : [n.id];
  const states = await Promise.all(jobs.map((id) => queues.locate(n.channel, id, priority)));
  return states.some((s) => s.state === "active");
}
