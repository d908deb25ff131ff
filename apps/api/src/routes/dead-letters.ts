import {
  getNotification,
  getRecipientById,
  lastFailedProviders,
  listNotifications,
  type NotificationRow,
  toPage,
} from "@herald/db";
import { CHANNELS } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { noteAudit, pathTarget } from "../middleware/audited.ts";
import {
  CreatedRangeQuery,
  commonErrors,
  conflictError,
  NotificationIdParam,
  notFoundError,
  PageQuery,
} from "../schemas/common.ts";
import { exampleNotification } from "../schemas/examples.ts";
import { NotificationSchema, serializeNotification } from "../schemas/notification.ts";
import {
  discardDeadLetter,
  isDeadEnd,
  retryAllDeadLetters,
  retryDeadLetter,
} from "../services/dead-letters.ts";
import { giveBackFrequencySlots } from "../services/frequency-slots.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";
import { seesSecrets } from "../services/secret-content.ts";

const Filter = {
  channel: z.enum(CHANNELS).optional().openapi({ example: "email" }),
  type: z.string().max(100).optional().openapi({ example: "order_placed" }),
  userId: z.string().max(256).optional().openapi({ example: "user_123" }),
  eventId: z.string().max(64).optional().openapi({ example: "evt_01jd8q3k5m6n7p8q9r0s1t2v3w" }),
  ...CreatedRangeQuery,
};
type FilterInput = { [K in keyof typeof Filter]?: z.infer<(typeof Filter)[K]> };

const toFilter = (q: FilterInput) => ({
  ...(q.channel ? { channel: q.channel } : {}),
  ...(q.type ? { type: q.type } : {}),
  ...(q.userId ? { userId: q.userId } : {}),
  ...(q.eventId ? { eventId: q.eventId } : {}),
  ...(q.since ? { since: new Date(q.since) } : {}),
  ...(q.until ? { until: new Date(q.until) } : {}),
});

const DeadLetterSchema = NotificationSchema.extend({
  failedProvider: z
    .string()
    .optional()
    .openapi({ description: "The provider of the last failed attempt", example: "resend" }),
});

const one = (description: string) => ({
  description,
  content: { "application/json": { schema: NotificationSchema } },
});

const list = createRoute({
  method: "get",
  path: "/v1/dead-letters",
  tags: ["Dead letters"],
  summary: "Dead notifications (retries exhausted)",
  description:
    "Newest first. `lastError` says why the last attempt failed, `failedProvider` where. An erased recipient's are not listed: the erase cancels them.",
  middleware: [requireScope("read")] as const,
  request: { query: z.object({ ...Filter, ...PageQuery }) },
  responses: {
    200: {
      description: "A page of DEAD notifications",
      content: {
        "application/json": {
          schema: z
            .object({ data: z.array(DeadLetterSchema), nextCursor: z.string().nullable() })
            .openapi("DeadLetterList", {
              example: {
                data: [
                  {
                    ...exampleNotification,
                    status: "DEAD",
                    reason: "retries_exhausted",
                    retryCount: 3,
                    provider: undefined,
                    providerMessageId: undefined,
                    sentAt: undefined,
                    lastError: "resend 503: service unavailable",
                    failedProvider: "resend",
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

const retryOne = createRoute({
  method: "post",
  path: "/v1/dead-letters/{notificationId}/retry",
  tags: ["Dead letters"],
  summary: "Retry one dead notification",
  description:
    "Re-runs its send job with a fresh set of attempts; the notification goes back to QUEUED and counts against the user's frequency caps (`FREQUENCY_CAPS`) at the time of the retry. Also for a notification that failed for good (FAILED with reason `permanent_error` or `device_gone`: retry it once the address or device is fixed). 409 otherwise, and for an erased recipient's.",
  middleware: [requireScope("events:write")] as const,
  request: { params: NotificationIdParam },
  responses: {
    202: one("Queued again"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

const retryMany = createRoute({
  method: "post",
  path: "/v1/dead-letters/retry",
  tags: ["Dead letters"],
  summary: "Retry every dead notification matching a filter",
  description:
    "Newest first, up to `limit` per call; `more` says whether others still match. An erased recipient's are skipped.",
  middleware: [requireScope("events:write")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ ...Filter, limit: z.number().int().min(1).max(10_000).default(1000) })
            .strict()
            .openapi("DeadLetterRetryRequest", {
              example: { channel: "email", type: "order_placed", limit: 1000 },
            }),
        },
      },
    },
  },
  responses: {
    202: {
      description: "How many were queued again",
      content: {
        "application/json": {
          schema: z
            .object({
              retried: z.number().int(),
              ids: z.array(z.string()).openapi({
                description:
                  "The notifications queued again, newest first (at most `limit`): follow them with `GET /v1/notifications/{notificationId}`",
              }),
              more: z.boolean(),
            })
            .openapi("DeadLetterRetryResult", {
              example: {
                retried: 2,
                ids: ["ntf_01jd8q3k5m6n7p8q9r0s1t2v3x", "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w"],
                more: false,
              },
            }),
        },
      },
    },
    ...commonErrors,
  },
});

const discard = createRoute({
  method: "delete",
  path: "/v1/dead-letters/{notificationId}",
  tags: ["Dead letters"],
  summary: "Discard a dead notification",
  description:
    "It becomes CANCELED with reason `discarded` and leaves the dead-letter list; it no longer counts against the user's frequency caps (`FREQUENCY_CAPS`). Also for a notification that failed for good; 409 otherwise, and for an erased recipient's. Discarding a discarded notification answers 200 again.",
  middleware: [requireScope("events:write")] as const,
  request: { params: NotificationIdParam },
  responses: {
    200: one("Discarded"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

/** `n` (notification `id` as just read) if an operator may retry or discard it, else the 404 or 409 why not. */
async function deadOrThrow(deps: ApiDeps, id: string, n: NotificationRow | null | undefined) {
  if (!n) throw new HeraldError("not_found", `No notification ${id}.`);
  if (!isDeadEnd(n))
    throw new HeraldError(
      "conflict",
      `Notification ${id} is ${n.status}${n.reason ? ` (${n.reason})` : ""}, not DEAD or failed for good.`,
    );
  // An erase cancels its recipient's dead letters; one cut short leaves some until it is repeated.
  if ((await getRecipientById(deps.db, n.recipientId))?.erasedAt)
    throw new HeraldError(
      "conflict",
      `Notification ${id} belongs to an erased recipient: it is neither retried nor discarded (erasing the user again cancels it).`,
    );
  return n;
}

/** The dead-letter queue for operators: list, retry one or many, discard. */
export function registerDeadLetters(app: App, deps: ApiDeps): void {
  const notification = pathTarget("notification", "notificationId");
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const beforeId = decodeCursorOrThrow(q.cursor);
    const rows = await listNotifications(
      deps.db,
      { ...toFilter(q), status: "DEAD", skipErased: true, ...(beforeId ? { beforeId } : {}) },
      q.limit + 1,
    );
    const page = toPage(rows, q.limit);
    const failed = await lastFailedProviders(
      deps.db,
      page.data.map((n) => n.id),
    );
    const sees = seesSecrets(c);
    const data = page.data.map((n) => {
      const provider = failed.get(n.id);
      return { ...serializeNotification(n, sees), ...(provider ? { failedProvider: provider } : {}) };
    });
    return c.json({ data, nextCursor: page.nextCursor }, 200);
  });

  app.openapi(deps.audit.route(retryOne, "dead_letter.retry", { target: notification }), async (c) => {
    const { notificationId } = c.req.valid("param");
    const dead = await deadOrThrow(deps, notificationId, await getNotification(deps.db, notificationId));
    if (!(await retryDeadLetter(deps, dead))) {
      throw new HeraldError("conflict", `Notification ${notificationId} was canceled meanwhile.`);
    }
    const n = await getNotification(deps.db, notificationId);
    return c.json(serializeNotification(n!, seesSecrets(c)), 202);
  });

  app.openapi(deps.audit.route(retryMany, "dead_letter.retry_all"), async (c) => {
    const body = c.req.valid("json");
    // A user id filter is the target (renamed if that user is erased), not a detail.
    const { userId, limit, ...filter } = body;
    noteAudit(c, { target: userId ? { type: "user", id: userId } : null, details: { filter, limit } });
    const result = await retryAllDeadLetters(deps, toFilter(body), body.limit);
    noteAudit(c, { details: { retried: result.retried, more: result.more } });
    return c.json(result, 202);
  });

  app.openapi(deps.audit.route(discard, "dead_letter.discard", { target: notification }), async (c) => {
    const { notificationId } = c.req.valid("param");
    // Asked again (a client retrying after a lost answer): the same answer.
    const current = await getNotification(deps.db, notificationId);
    // Its slot is given back again, in case the first time found Redis down.
    if (current?.status === "CANCELED" && current.reason === "discarded") {
      await giveBackFrequencySlots(deps, [current]);
      return c.json(serializeNotification(current, seesSecrets(c)), 200);
    }
    const n = await deadOrThrow(deps, notificationId, current);
    if (!(await discardDeadLetter(deps, n))) {
      throw new HeraldError(
        "conflict",
        `Notification ${notificationId} changed meanwhile; it is no longer DEAD or failed for good.`,
      );
    }
    return c.json(
      serializeNotification((await getNotification(deps.db, notificationId))!, seesSecrets(c)),
      200,
    );
  });
}
