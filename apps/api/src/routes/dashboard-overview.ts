import { within } from "@herald/config";
import { countDeadByChannel, providerHealth, recentActivity, statusWebhookBacklog } from "@herald/db";
import { QUEUE_NAMES, readReliabilityCounters } from "@herald/jobs";
import { createRoute } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { requireScope } from "../middleware/api-key-auth.ts";
import { commonErrors } from "../schemas/common.ts";
import { OverviewSchema } from "../schemas/dashboard.ts";
import { queueSnapshot } from "../services/queue-metrics.ts";
import { oldestAgeSeconds } from "../services/status-webhook-metrics.ts";
import { listEndpointViews } from "../services/webhook-endpoint-view.ts";

// Longer than a healthy Redis ever takes, short enough for a page that refreshes every 5 s.
const QUEUE_READ_MS = 2000;

const overview = createRoute({
  method: "get",
  path: "/v1/dashboard/overview",
  tags: ["Dashboard"],
  summary: "Queues, last hour's throughput and errors, dead letters, provider health",
  description:
    "Per-queue counts from Redis; sends and failures per 5 minutes over the last hour from the status " +
    "timeline; per-provider sent/failed counts of the last hour. A queue Redis cannot answer for is left out " +
    "of `queues` and `queuesUnavailable` is true: no queue at all with it is Redis down, not empty queues. " +
    "`statusWebhooks`: STATUS_WEBHOOK_URL's state (on or off, the changes waiting, the batch being retried), the " +
    "workers' totals over all endpoints, and `endpoints`: each endpoint's backlog and health (no URLs or secrets).",
  middleware: [requireScope("read")] as const,
  responses: {
    200: { description: "The overview", content: { "application/json": { schema: OverviewSchema } } },
    ...commonErrors,
  },
});

/** The dashboard's landing page data in one call. */
export function registerDashboardOverview(app: App, deps: ApiDeps): void {
  app.openapi(overview, async (c) => {
    // Read once: STATUS_WEBHOOK_URL's own fields and its entry among the endpoints show the same backlog.
    const envBacklog = statusWebhookBacklog(deps.db);
    const [snapshots, dead, activity, providers, backlog, counters, endpoints] = await Promise.all([
      Promise.all(
        QUEUE_NAMES.map((name) =>
          within(queueSnapshot(deps.redis, deps.queues.lanes(name)), QUEUE_READ_MS).then(
            (s) => ({ name, ...s }),
            () => null,
          ),
        ),
      ),
      countDeadByChannel(deps.db),
      recentActivity(deps.db, 60, 5),
      providerHealth(deps.db, 60),
      envBacklog,
      within(readReliabilityCounters(deps.redis, deps.queues.prefix), QUEUE_READ_MS).catch(() => null),
      listEndpointViews(deps.db, envBacklog).then((views) => views.map(({ url: _url, ...rest }) => rest)),
    ]);
    const retrying = backlog.retrying;
    return c.json(
      {
        queues: snapshots.filter((s) => s !== null),
        queuesUnavailable: snapshots.some((s) => s === null),
        deadLetters: dead.reduce((sum, d) => sum + Number(d.count), 0),
        activity: activity.map((b) => ({ at: b.at.toISOString(), sent: b.sent, failed: b.failed })),
        providers: providers.map((p) => ({
          ...p,
          errorRate: p.sent + p.failed === 0 ? 0 : p.failed / (p.sent + p.failed),
          lastErrorAt: p.lastErrorAt?.toISOString() ?? null,
        })),
        statusWebhooks: {
          enabled: backlog.enabled,
          statuses: backlog.statuses,
          waiting: backlog.waiting,
          waitingEstimated: backlog.waitingEstimated,
          oldestAt: backlog.oldestAt?.toISOString() ?? null,
          oldestAgeSeconds: oldestAgeSeconds(backlog),
          totals: counters && {
            delivered: counters.status_webhooks_delivered ?? 0,
            failed: counters.status_webhooks_failed ?? 0,
            expired: counters.status_webhooks_expired ?? 0,
            rejected: counters.status_webhooks_rejected ?? 0,
          },
          retrying: retrying && {
            batchId: retrying.id,
            attempts: retrying.attempts,
            rejections: retrying.rejections,
            since: retrying.since.toISOString(),
            nextAttemptAt: retrying.nextAttemptAt.toISOString(),
            lastError: retrying.lastError,
            lastAttemptAt: retrying.lastAttemptAt?.toISOString() ?? null,
          },
          endpoints,
        },
        generatedAt: new Date().toISOString(),
      },
      200,
    );
  });
}
