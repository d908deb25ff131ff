import { deleteSchedule, getSchedule, listScheduleRuns, listSchedules } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { scheduleRunJobId } from "@herald/jobs";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { assertScope, requireScope } from "../middleware/api-key-auth.ts";
import {
  commonErrors,
  conflictError,
  IdempotencyKeyValue,
  jsonResponse,
  notFoundError,
  PageQuery,
  UserId,
} from "../schemas/common.ts";
import {
  ScheduleDetailSchema,
  ScheduleIdParam,
  SchedulePageSchema,
  SchedulePatchSchema,
  ScheduleRequestSchema,
  ScheduleSchema,
  serializeRun,
  serializeSchedule,
} from "../schemas/schedule.ts";
import { TopicKey } from "../schemas/topic.ts";
import { decodeCursorOrThrow } from "../services/page-cursor.ts";
import { patchSchedule } from "../services/schedule-patch.ts";
import { createScheduleFor } from "../services/schedule-write.ts";
import { seesSecrets } from "../services/secret-content.ts";

const tags = ["Schedules"];
const body = <T>(schema: T) => ({ required: true, content: { "application/json": { schema } } });

/** How many of a schedule's runs `GET /v1/schedules/{id}` lists. */
const RECENT_RUNS = 20;

const create = createRoute({
  method: "post",
  path: "/v1/schedules",
  tags,
  summary: "Create a recurring schedule",
  description:
    "Each run creates one event of `type` with `data` for `userId` (or fans out to `topic`), routed as any " +
    "event. Validated as `POST /v1/events` validates an event (422 naming the field; 404 for an unknown topic); " +
    "422 `endsAt` when no run of the rule falls before it. Times are local to `repeat.timezone`, else to the " +
    "recipient's zone at each run (UTC for a topic). With an `Idempotency-Key` header, a repeat (a retry after a " +
    "lost answer) answers the schedule the first request made, with `Idempotent-Replayed: true`, and makes none, " +
    "as long as that schedule exists; without one, a repeat makes another schedule.",
  middleware: [requireScope("events:write")] as const,
  request: {
    body: body(ScheduleRequestSchema),
    headers: z.object({
      "idempotency-key": IdempotencyKeyValue.optional().openapi({
        description: "Names this request: a repeat answers the first one's schedule",
        example: "onboarding-reminder-user_123",
      }),
    }),
  },
  responses: {
    201: jsonResponse(
      ScheduleSchema,
      "The schedule, with its first run in nextRunAt (a repeat: the first request's)",
    ),
    ...commonErrors,
    ...notFoundError,
  },
});

const list = createRoute({
  method: "get",
  path: "/v1/schedules",
  tags,
  summary: "Schedules, newest first, a page at a time",
  middleware: [requireScope("read")] as const,
  request: {
    query: z.object({
      ...PageQuery,
      userId: UserId.optional(),
      topic: TopicKey.optional(),
      type: z.string().min(1).max(100).optional().openapi({ example: "weekly_promo" }),
    }),
  },
  responses: { 200: jsonResponse(SchedulePageSchema, "Schedules"), ...commonErrors },
});

const getOne = createRoute({
  method: "get",
  path: "/v1/schedules/{scheduleId}",
  tags,
  summary: "A schedule and the events of its last runs",
  middleware: [requireScope("read")] as const,
  request: { params: ScheduleIdParam },
  responses: { 200: jsonResponse(ScheduleDetailSchema, "The schedule"), ...commonErrors, ...notFoundError },
});

const update = createRoute({
  method: "patch",
  path: "/v1/schedules/{scheduleId}",
  tags,
  summary: "Change, pause or resume a schedule",
  description:
    "Changing `repeat`, `timezone`, `endsAt` or `maxRuns`, or resuming, computes the next run again: the first " +
    "one from now (runs missed while paused are skipped), null when none is left. `data` is validated against " +
    "the type as on create. Pausing keeps `nextRunAt`; no run happens while paused.",
  middleware: [requireScope("events:write")] as const,
  request: { params: ScheduleIdParam, body: body(SchedulePatchSchema) },
  responses: {
    200: jsonResponse(ScheduleSchema, "The schedule"),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/schedules/{scheduleId}",
  tags,
  summary: "Delete a schedule",
  description: "No further run happens (a run job already queued finds nothing). Events it created stay.",
  middleware: [requireScope("events:write")] as const,
  request: { params: ScheduleIdParam },
  responses: { 204: { description: "Deleted" }, ...commonErrors, ...notFoundError },
});

const INLINE_USER_NEEDS =
  " that a schedule's inline `user` (the recipient's contact details) needs, as PUT /v1/users/:userId does";

/** `/v1/schedules`: recurring triggers, run by the worker. */
export function registerSchedules(app: App, deps: ApiDeps): void {
  app.openapi(create, async (c) => {
    const b = c.req.valid("json");
    if (b.user) assertScope(c, "users:write", INLINE_USER_NEEDS);
    const key = c.req.valid("header")["idempotency-key"];
    const { row, replay } = await createScheduleFor(deps, b, c.get("apiKey")?.id ?? null, key);
    if (replay) c.header("Idempotent-Replayed", "true");
    return c.json(serializeSchedule(row, seesSecrets(c)), 201);
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const page = await listSchedules(deps.db, {
      limit: q.limit,
      after: decodeCursorOrThrow(q.cursor),
      ...(q.userId !== undefined ? { userId: q.userId } : {}),
      ...(q.topic !== undefined ? { topic: q.topic } : {}),
      ...(q.type !== undefined ? { type: q.type } : {}),
    });
    const sees = seesSecrets(c);
    return c.json(
      { data: page.data.map((s) => serializeSchedule(s, sees)), nextCursor: page.nextCursor },
      200,
    );
  });

  app.openapi(getOne, async (c) => {
    const { scheduleId } = c.req.valid("param");
    const row = await getSchedule(deps.db, scheduleId);
    if (!row) throw new HeraldError("not_found", `No schedule ${scheduleId}.`);
    const runs = await listScheduleRuns(deps.db, row.id, RECENT_RUNS);
    return c.json({ ...serializeSchedule(row, seesSecrets(c)), recentRuns: runs.map(serializeRun) }, 200);
  });

  app.openapi(update, async (c) => {
    const { scheduleId } = c.req.valid("param");
    const row = await patchSchedule(deps, scheduleId, c.req.valid("json"));
    return c.json(serializeSchedule(row, seesSecrets(c)), 200);
  });

  app.openapi(remove, async (c) => {
    const { scheduleId } = c.req.valid("param");
    const row = await getSchedule(deps.db, scheduleId);
    if (!row || !(await deleteSchedule(deps.db, scheduleId))) {
      throw new HeraldError("not_found", `No schedule ${scheduleId}.`);
    }
    // Tidying only: the run finds no row and does nothing, should the job stay.
    if (row.nextRunAt) {
      await deps.queues
        .removeEverywhere("digest", scheduleRunJobId(row.id, row.nextRunAt))
        .catch((err: Error) =>
          deps.logger.warn({ err: err.message, scheduleId }, "schedule run job not removed"),
        );
    }
    return c.body(null, 204);
  });
}
