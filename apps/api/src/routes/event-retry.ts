import { getEvent } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { createRoute } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { pathTarget } from "../middleware/audited.ts";
import { commonErrors, conflictError, EventIdParam, jsonResponse, notFoundError } from "../schemas/common.ts";
import { EventSchema, serializeEvent } from "../schemas/event.ts";
import { exampleEvent } from "../schemas/examples.ts";
import { retryFailedEvent } from "../services/event-retry.ts";
import { seesSecrets } from "../services/secret-content.ts";

const { notifications: _, routedAt: __, ...exampleItem } = exampleEvent;

const retry = createRoute({
  method: "post",
  path: "/v1/events/{eventId}/retry",
  tags: ["Events"],
  summary: "Route a failed event again",
  description:
    "For an event whose routing failed for good (`status: failed`, e.g. its type or a template was not " +
    "deployed yet): once the cause is fixed, it is routed again with fresh attempts, as if just accepted. " +
    "Answers the event, `accepted` again; follow it with `GET /v1/events/{eventId}`. 409 when it is not " +
    "failed or was canceled, 404 when unknown.",
  middleware: [requireScope("events:write")] as const,
  request: { params: EventIdParam },
  responses: {
    202: jsonResponse(
      EventSchema.omit({ notifications: true, fanout: true }).openapi("RetriedEvent", {
        example: { ...exampleItem, status: "accepted", suppressed: [] },
      }),
      "Accepted again",
    ),
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

/** An operator's retry of an event that failed routing (dashboard: "Route again"). */
export function registerEventRetry(app: App, deps: ApiDeps): void {
  app.openapi(
    deps.audit.route(retry, "event.retry", { target: pathTarget("event", "eventId") }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const event = await getEvent(deps.db, eventId);
      if (!event) throw new HeraldError("not_found", `No event ${eventId}.`);
      if (event.canceledAt) {
        throw new HeraldError("conflict", `Event ${eventId} was canceled: it is not routed again.`);
      }
      const reopened = await retryFailedEvent(deps, event);
      if (!reopened) {
        throw new HeraldError(
          "conflict",
          `Event ${eventId} is ${event.status}, not failed: there is nothing to retry.`,
        );
      }
      return c.json(serializeEvent(reopened, seesSecrets(c)), 202);
    },
  );
}
