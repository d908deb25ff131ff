import { type EventRow, fanoutSummary, listEventNotifications } from "@herald/db";
import type { ApiDeps } from "../deps.ts";
import { serializeEvent } from "../schemas/event.ts";
import { serializeNotification } from "../schemas/notification.ts";

/** A topic event lists this many of its notifications; the rest page through GET /v1/notifications?eventId=. */
const TOPIC_EVENT_NOTIFICATIONS = 10;

/**
 * An event as `GET /v1/events/{eventId}` answers it (and the cancel, so the
 * caller sees what was canceled and what had gone out): the event, a topic
 * event's fan-out counts, and its notifications (a topic event's first few).
 * `sees`: whether the caller may see a secret event's data (`seesSecrets`).
 */
export async function eventView(deps: ApiDeps, event: EventRow, sees: boolean) {
  const [notifications, fanout] = await Promise.all([
    listEventNotifications(deps.db, event.id, event.topic ? TOPIC_EVENT_NOTIFICATIONS : undefined),
    event.topic ? fanoutSummary(deps.db, event.id) : null,
  ]);
  return {
    ...serializeEvent(event, sees),
    ...(fanout ? { fanout } : {}),
    notifications: notifications.map((n) => serializeNotification(n, sees)),
  };
}
