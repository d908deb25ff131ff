import { HeraldError } from "@herald/errors";
import { createRoute } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { pathTarget } from "../middleware/audited.ts";
import { commonErrors, EventIdParam, notFoundError } from "../schemas/common.ts";
import { EventSchema } from "../schemas/event.ts";
import { exampleEvent, exampleNotification } from "../schemas/examples.ts";
import { cancelEventAndJobs } from "../services/event-cancel.ts";
import { eventView } from "../services/event-view.ts";
import { seesSecrets } from "../services/secret-content.ts";

const { provider: _, providerMessageId: __, sentAt: ___, ...unsent } = exampleNotification;

const exampleCanceled = {
  ...exampleEvent,
  status: "canceled" as const,
  canceledAt: "2026-11-24T09:00:05.000Z",
  notifications: [
    exampleNotification,
    {
      ...unsent,
      id: "ntf_01jd8q3k5m6n7p8q9r0s1t2v40",
      channel: "push" as const,
      status: "CANCELED" as const,
      content: { channel: "push", title: "Order A-1042 confirmed" },
      scheduledAt: "2026-11-25T09:00:00.000Z",
    },
  ],
};

const cancel = createRoute({
  method: "delete",
  path: "/v1/events/{eventId}",
  tags: ["Events"],
  summary: "Cancel an event: send nothing more of it",
  description:
    "Marks the event canceled and cancels its notifications not sent yet: PENDING, SCHEDULED, QUEUED, " +
    "FAILED (awaiting a retry, or for good), DEAD (so no dead-letter retry sends them later), and items " +
    "waiting in a digest that has not gone out. Sent and suppressed ones keep their status. What it cancels no " +
    "longer counts against the user's frequency caps (`FREQUENCY_CAPS`); what was sent still does. When none of " +
    "its notifications went out, its `dedupKey` is released, so the event can be triggered again under the same " +
    "key. Also before routing: the " +
    "router then makes no notification for it, and one routing it at that moment makes no more. A send a " +
    "worker has already handed to the provider still goes out: its notification moves on from CANCELED to " +
    "SENT, and counts against the caps and holds the `dedupKey` as a sent one does. Answers the event as `GET /v1/events/{eventId}` does, `status: canceled`; a repeat answers 200 " +
    "again (and cancels anything an interrupted first call left).",
  middleware: [requireScope("events:write")] as const,
  request: { params: EventIdParam },
  responses: {
    200: {
      description:
        "Canceled: the event and its notifications, which tell what was canceled and what had gone out",
      content: {
        "application/json": {
          schema: EventSchema,
          example: exampleCanceled,
        },
      },
    },
    ...commonErrors,
    ...notFoundError,
  },
});

/** `DELETE /v1/events/{eventId}`: an app's cancel of everything an event has not sent yet. */
export function registerEventCancel(app: App, deps: ApiDeps): void {
  app.openapi(
    deps.audit.route(cancel, "event.cancel", { target: pathTarget("event", "eventId") }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const event = await cancelEventAndJobs(deps, eventId);
      if (!event) throw new HeraldError("not_found", `No event ${eventId}.`);
      return c.json(await eventView(deps, event, seesSecrets(c)), 200);
    },
  );
}
