import { getNotification, rescheduleNotification, transition } from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { MAX_SEND_ATTEMPTS } from "@herald/jobs";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { pathTarget, validated } from "../middleware/audited.ts";
import { commonErrors, conflictError, NotificationIdParam, notFoundError } from "../schemas/common.ts";
import { NotificationSchema, serializeNotification } from "../schemas/notification.ts";
import { followFrequencySlots } from "../services/frequency-slots.ts";
import { seesSecrets } from "../services/secret-content.ts";

const reschedule = createRoute({
  method: "patch",
  path: "/v1/notifications/{notificationId}",
  tags: ["Notifications"],
  summary: "Reschedule a scheduled notification",
  description:
    "Moves a SCHEDULED notification to `sendAt`. A time in the past sends it at once. Its place in the user's frequency caps (`FREQUENCY_CAPS`) moves with it. One held for the user's quiet hours takes the time given and no longer follows a change of them. 409 when it is no longer scheduled (being sent, sent, canceled…).",
  middleware: [requireScope("events:write")] as const,
  request: {
    params: NotificationIdParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              sendAt: z.iso.datetime({ offset: true }).openapi({ example: "2026-12-01T09:00:00Z" }),
            })
            .strict()
            .openapi("Reschedule", { example: { sendAt: "2026-12-01T09:00:00Z" } }),
        },
      },
    },
  },
  responses: {
    200: { description: "Rescheduled", content: { "application/json": { schema: NotificationSchema } } },
    ...commonErrors,
    ...notFoundError,
    ...conflictError,
  },
});

/**
 * `PATCH /v1/notifications/:id {sendAt}`. A later time: the delayed send job first, then the row
 * (a job that cannot be moved any more is being sent: 409, the row untouched). Now or past: the
 * row first (QUEUED), then the job is promoted.
 */
export function registerReschedule(app: App, deps: ApiDeps): void {
  const audited = deps.audit.route(reschedule, "notification.reschedule", {
    callers: "dashboard",
    target: pathTarget("notification", "notificationId"),
    details: (c) => ({ sendAt: validated<{ sendAt: string }>(c).sendAt }),
  });
  app.openapi(audited, async (c) => {
    const { notificationId } = c.req.valid("param");
    const sendAt = new Date(c.req.valid("json").sendAt);
    const n = await getNotification(deps.db, notificationId);
    if (!n) throw new HeraldError("not_found", `No notification ${notificationId}.`);
    const notScheduled = (status: string) =>
      new HeraldError(
        "conflict",
        `Notification ${notificationId} is ${status} and can no longer be rescheduled.`,
      );
    if (n.status !== "SCHEDULED") throw notScheduled(n.status);

    const now = new Date();
    const delay = Math.max(0, sendAt.getTime() - now.getTime());
    const job = await deps.queues.find(n.channel, notificationId, PRIORITY_RANK[n.priority]);
    const state = job ? await job.getState() : "missing";
    if (state === "active" || state === "completed") throw notScheduled("being sent");
    // Released now: the row says QUEUED before its job can run, so the worker that takes the job at
    // once loads what the API decided (and a send that withdraws it finds it waiting).
    const releasedNow =
      delay === 0 &&
      (await transition(deps.db, notificationId, "QUEUED", {
        from: ["SCHEDULED"],
        set: { scheduledAt: now, queuedAt: now, reason: null },
        detail: { by: "api", rescheduledFrom: n.scheduledAt?.toISOString() ?? null },
      }));
    if (delay === 0 && !releasedNow) {
      const current = (await getNotification(deps.db, notificationId))!;
      if (current.status !== "SENT") throw notScheduled(current.status);
      return c.json(serializeNotification(current, seesSecrets(c)), 200);
    }
    if (job && state === "delayed") {
      try {
        if (delay > 0) await job.changeDelay(delay);
        else await job.promote();
      } catch {
        // Released already: the job became due and runs, which is what the caller asked for.
        if (!releasedNow) throw notScheduled("being sent");
      }
    } else {
      if (job) await job.remove().catch(() => {});
      await deps.queues.add(
        n.channel,
        "send",
        { notificationId },
        {
          jobId: notificationId,
          delay,
          priority: PRIORITY_RANK[n.priority],
          attempts: MAX_SEND_ATTEMPTS,
          backoff: { type: "schedule" },
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 7 * 86_400 },
        },
      );
    }
    const moved = releasedNow || (await rescheduleNotification(deps.db, notificationId, sendAt, now));
    const current = (await getNotification(deps.db, notificationId))!;
    if (!moved && current.status !== "SENT") throw notScheduled(current.status);
    if (moved) await followFrequencySlots(deps, [{ slot: n, dueAt: delay > 0 ? sendAt : now }]);
    return c.json(serializeNotification(current, seesSecrets(c)), 200);
  });
}
