import { within } from "@herald/config";
import { getNotification } from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { HeraldError } from "@herald/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { commonErrors, NotificationIdParam, notFoundError } from "../schemas/common.ts";
import { BULL_BOARD_PATH } from "./bull-board.ts";

const JobLocationSchema = z
  .object({
    queue: z
      .string()
      .openapi({ description: "The BullMQ queue (lane) holding the job", example: "{sms_critical}" }),
    jobId: z
      .string()
      .openapi({ description: "The notification's own id, or its `send_batch` job's (`snd_…`)" }),
    state: z.string().openapi({ example: "failed" }),
    batch: z.boolean().openapi({ description: "True when the job sends this notification with others" }),
    url: z.string().openapi({ description: "The job's page in Bull Board" }),
  })
  .openapi("DashboardJobLocation", {
    example: {
      queue: "{sms_critical}",
      jobId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
      state: "failed",
      batch: false,
      url: "/admin/queues/queue/%7Bsms_critical%7D/ntf_01jd8q3k5m6n7p8q9r0s1t2v3w",
    },
  });

const job = createRoute({
  method: "get",
  path: "/v1/dashboard/notifications/{notificationId}/job",
  tags: ["Dashboard"],
  summary: "Where a notification's send job is in the queues",
  description:
    "The queue lane (critical-priority sends have their own) and job that sends the notification: its own " +
    "`send` job, or the `send_batch` job that carries it with others. 404 when it has none (digested, " +
    "never queued, or the job was already removed).",
  middleware: [requireScope("read")] as const,
  request: {
    params: NotificationIdParam,
  },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: JobLocationSchema } } },
    ...commonErrors,
    ...notFoundError,
  },
});

/** The dashboard's "Job in Bull Board" link: asked of Redis, since the lane depends on the producer's setup. */
export function registerDashboardJob(app: App, deps: ApiDeps): void {
  app.openapi(job, async (c) => {
    const { notificationId } = c.req.valid("param");
    const n = await getNotification(deps.db, notificationId);
    if (!n) throw new HeraldError("not_found", `No notification ${notificationId}.`);
    const jobId = n.sendJob ?? n.id;
    const found = await within(deps.queues.locate(n.channel, jobId, PRIORITY_RANK[n.priority]), 2000);
    if (found.state === "unknown")
      throw new HeraldError(
        "not_found",
        `Notification ${notificationId} has no job in the ${n.channel} queue.`,
      );
    const queue = found.queue.name;
    return c.json(
      {
        queue,
        jobId,
        state: found.state,
        batch: n.sendJob !== null,
        url: `${BULL_BOARD_PATH}/queue/${encodeURIComponent(queue)}/${encodeURIComponent(jobId)}`,
      },
      200,
    );
  });
}
