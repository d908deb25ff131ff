import { createBatcher } from "@herald/batching";
import { getEvent, isDatabaseUnavailable } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ApiDeps } from "../deps.ts";
import type { App, HonoEnv } from "../hono-env.ts";
import { assertScope, requireScope } from "../middleware/api-key-auth.ts";
import { validationFailure } from "../on-error.ts";
import {
  commonErrors,
  conflictError,
  EventIdParam,
  IdempotencyKeyValue,
  notFoundError,
} from "../schemas/common.ts";
import {
  BatchRequestSchema,
  BatchResultSchema,
  EventAcceptedSchema,
  EventRequestSchema,
  EventSchema,
} from "../schemas/event.ts";
import { acceptBatch } from "../services/accept-batch.ts";
import { eventView } from "../services/event-view.ts";
import { acceptEvents, type ValidEvent, validateEvent } from "../services/ingest.ts";
import { seesSecrets } from "../services/secret-content.ts";

const IdempotencyHeader = z.object({
  "idempotency-key": IdempotencyKeyValue.optional().openapi({
    description: "Same as the body's idempotencyKey",
  }),
});

const trigger = createRoute({
  method: "post",
  path: "/v1/events",
  tags: ["Events"],
  summary: "Trigger a notification event",
  description:
    "Validates the event against its type's schema, records it and queues it for routing. A repeated idempotency key returns the first event's id and creates nothing. Address it to one `userId`, or to a `topic` to fan out to every subscriber (404 when the topic does not exist).",
  middleware: [requireScope("events:write")] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: EventRequestSchema } } },
  },
  responses: {
    202: { description: "Accepted", content: { "application/json": { schema: EventAcceptedSchema } } },
    ...commonErrors,
    ...conflictError,
    ...notFoundError,
  },
});

const BATCH_HEADER_REFUSED =
  "A batch does not take an Idempotency-Key header: put idempotencyKey on each item of events instead.";

/**
 * One header key cannot stand for many events, and ignoring it made a retried
 * batch create every event again. Refused before the (up to 8 MB) body is read.
 */
const refuseIdempotencyHeader: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (c.req.header("idempotency-key") !== undefined)
    throw new HeraldError("malformed_request", BATCH_HEADER_REFUSED);
  await next();
};

const batch = createRoute({
  method: "post",
  path: "/v1/events/batch",
  tags: ["Events"],
  summary: "Trigger up to 1,000 events",
  description:
    "Each item is validated on its own; valid items are accepted even when others are rejected. Idempotency is per item (`idempotencyKey`); two items sharing a key reject the whole batch (422, naming the items).",
  middleware: [requireScope("events:write"), refuseIdempotencyHeader] as const,
  request: {
    headers: z.object({
      "idempotency-key": z.string().optional().openapi({
        description: "Not accepted: a batch carrying it is refused (400). Use each item's idempotencyKey.",
      }),
    }),
    body: { required: true, content: { "application/json": { schema: BatchRequestSchema } } },
  },
  responses: {
    202: { description: "Per-item results", content: { "application/json": { schema: BatchResultSchema } } },
    ...commonErrors,
  },
});

const getOne = createRoute({
  method: "get",
  path: "/v1/events/{eventId}",
  tags: ["Events"],
  summary: "An event and its notifications",
  middleware: [requireScope("read")] as const,
  request: {
    params: EventIdParam,
  },
  responses: {
    200: { description: "The event", content: { "application/json": { schema: EventSchema } } },
    ...commonErrors,
    ...notFoundError,
  },
});

/** `events.N.idempotencyKey` for every item whose key another item of the batch also has. */
function sharedKeyDetails(
  valid: { index: number; event: ValidEvent }[],
): { path: string; message: string }[] {
  const byKey = new Map<string, number[]>();
  for (const { index, event } of valid) {
    const key = event.event.idempotencyKey;
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), index]);
  }
  return valid.flatMap(({ index, event }) => {
    const others = (byKey.get(event.event.idempotencyKey ?? "") ?? []).filter((i) => i !== index);
    if (others.length === 0) return [];
    const message = `same idempotency key as ${others.map((i) => `events.${i}`).join(", ")}`;
    return [{ path: `events.${index}.idempotencyKey`, message }];
  });
}

/** Inline `user` data overwrites the recipient's contact details: it takes what `PUT /v1/users/:userId` takes. */
const INLINE_USER_NEEDS =
  " that an event's inline `user` (the recipient's contact details) needs, as PUT /v1/users/:userId does; " +
  "send the event without `user`, or use a key that has both scopes";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export function registerEvents(app: App, deps: ApiDeps): void {
  // Single POSTs arriving together share one INSERT and one addBulk: under
  // load the per-request statement and queue round trip (each a socket write
  // and a commit) were most of the API's cost. A lone request goes at once.
  // An unexpected failure of a shared group is retried request by request, so
  // one bad event cannot fail its neighbours; "unavailable" is everyone's answer.
  const singles = createBatcher((valid: ValidEvent[]) => acceptEvents(deps, valid), {
    maxBatch: 250,
    isolate: (err) => !(err instanceof HeraldError) && !isDatabaseUnavailable(err),
  });

  app.openapi(trigger, async (c) => {
    if (c.req.valid("json").user) assertScope(c, "users:write", INLINE_USER_NEEDS);
    const valid = validateEvent(
      c.req.valid("json"),
      c.req.valid("header")["idempotency-key"],
      c.get("apiKey").id,
    );
    // A critical event does not wait behind, or ride in, a flood's batch.
    const result = await singles.run(valid, { urgent: valid.event.priority === "critical" });
    if ("error" in result) throw result.error;
    if (result.replay) c.header("Idempotent-Replayed", "true");
    return c.json({ eventId: result.eventId }, 202);
  });

  app.openapi(batch, async (c) => {
    const items = c.req.valid("json").events;
    // Checked before any item is accepted: a key that may not write users writes nothing.
    if (items.some((item) => isRecord(item) && item.user !== undefined)) {
      assertScope(c, "users:write", INLINE_USER_NEEDS);
    }
    const results: z.infer<typeof BatchResultSchema>["results"] = [];
    const valid: { index: number; event: ValidEvent }[] = [];
    items.forEach((item, index) => {
      const shape = EventRequestSchema.safeParse(item);
      if (!shape.success) {
        results[index] = { index, status: 422, error: validationFailure(shape.error) };
        return;
      }
      try {
        valid.push({ index, event: validateEvent(shape.data, undefined, c.get("apiKey").id) });
      } catch (err) {
        if (!(err instanceof HeraldError)) throw err;
        results[index] = {
          index,
          status: err.status,
          error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
        };
      }
    });
    const shared = sharedKeyDetails(valid);
    if (shared.length > 0) {
      throw new HeraldError(
        "validation_failed",
        `Items of one batch share an idempotency key (${shared.map((d) => d.path).join(", ")}); give each event its own.`,
        { details: shared },
      );
    }
    // A value PostgreSQL refuses despite the validation fails its own item, not the batch.
    const ingested = await acceptBatch(
      deps,
      valid.map((v) => v.event),
    );
    ingested.forEach((r, i) => {
      const index = valid[i]!.index;
      results[index] =
        "error" in r
          ? { index, status: r.error.status, error: { code: r.error.code, message: r.error.message } }
          : { index, status: 202, eventId: r.eventId };
    });
    const accepted = results.filter((r) => r.status === 202).length;
    return c.json({ accepted, rejected: results.length - accepted, results }, 202);
  });

  app.openapi(getOne, async (c) => {
    const { eventId } = c.req.valid("param");
    const event = await getEvent(deps.db, eventId);
    if (!event) throw new HeraldError("not_found", `No event ${eventId}.`);
    return c.json(await eventView(deps, event, seesSecrets(c)), 200);
  });
}
