import { timingSafeEqual } from "node:crypto";
import { countDeadByChannel } from "@herald/db";
import { HeraldError } from "@herald/errors";
import { QUEUE_NAMES } from "@herald/jobs";
import {
  counterFamily,
  createProcessMetrics,
  gaugeFamily,
  histogramFamily,
  LATENCY_BUCKETS,
  type MetricFamily,
  type ProcessMetrics,
  readSharedMetrics,
  renderPrometheus,
} from "@herald/metrics";
import { z } from "@hono/zod-openapi";
import type { ApiDeps } from "../deps.ts";
import type { App } from "../hono-env.ts";
import { ErrorSchema } from "../schemas/common.ts";
import { type QueueSnapshot, queueSnapshot } from "../services/queue-metrics.ts";
import { reliabilityFamilies } from "../services/reliability-metrics.ts";
import { statusWebhookFamilies } from "../services/status-webhook-metrics.ts";

// Process metrics (CPU, memory, event loop) are per process: one set per process, made on first use.
let processMetrics: ProcessMetrics | undefined;
function apiProcessMetrics(): ProcessMetrics {
  processMetrics ??= createProcessMetrics("herald_api_");
  return processMetrics;
}

async function heraldFamilies(deps: ApiDeps): Promise<MetricFamily[]> {
  const up = { redis: 1, postgres: 1 };
  const families: MetricFamily[] = [];

  const snapshots = await Promise.all(
    QUEUE_NAMES.map((q) =>
      queueSnapshot(deps.redis, deps.queues.lanes(q)).then(
        (s) => [q, s] as const,
        () => null,
      ),
    ),
  );
  const queues = snapshots.filter((s) => s !== null) as (readonly [string, QueueSnapshot])[];
  if (queues.length < QUEUE_NAMES.length) up.redis = 0;
  families.push(
    gaugeFamily(
      "herald_queue_depth",
      "Jobs waiting to be processed (ready or prioritized), per queue.",
      queues.map(([queue, s]) => ({ labels: { queue }, value: s.waiting })),
    ),
    gaugeFamily(
      "herald_queue_jobs",
      "Jobs per queue and state.",
      queues.flatMap(([queue, s]) =>
        (["waiting", "active", "delayed", "failed"] as const).map((state) => ({
          labels: { queue, state },
          value: s[state],
        })),
      ),
    ),
    gaugeFamily(
      "herald_queue_oldest_waiting_age_seconds",
      "Age of the oldest job ready to run, per queue (0 when none waits).",
      queues.map(([queue, s]) => ({ labels: { queue }, value: s.oldestWaitingAgeSeconds })),
    ),
  );

  const shared = await readSharedMetrics(deps.redis, deps.queues.prefix).catch(() => null);
  if (!shared) up.redis = 0;
  families.push(
    counterFamily(
      "herald_jobs_completed_total",
      "Jobs completed, per queue (channel queues: one per notification attempt that finished).",
      (shared?.jobsCompleted ?? []).map((x) => ({ labels: { queue: x.queue }, value: x.value })),
    ),
    counterFamily(
      "herald_jobs_failed_total",
      "Failed job attempts, per queue; final=true when no retry follows.",
      (shared?.jobsFailed ?? []).map((x) => ({ labels: { queue: x.queue, final: x.final }, value: x.value })),
    ),
    counterFamily(
      "herald_provider_errors_total",
      "Provider send errors by provider and class (permanent, transient, gone).",
      (shared?.providerErrors ?? []).map((x) => ({
        labels: { provider: x.provider, class: x.kind },
        value: x.value,
      })),
    ),
    counterFamily(
      "herald_provider_throttled_total",
      "Provider requests held by the account's <PROVIDER>_RATE_LIMIT: outcome=paced waited for a slot in the worker (at most 1 s), outcome=refused was answered as the provider's 429 (the next provider, or a channel pause).",
      (shared?.providerThrottled ?? []).map((x) => ({
        labels: { provider: x.provider, outcome: x.outcome },
        value: x.value,
      })),
    ),
    counterFamily(
      "herald_critical_lane_standins_total",
      "Times a normal-lanes worker started serving a critical lane whose first job waited CRITICAL_LANE_FALLBACK_MS untaken: is the WORKER_LANES=critical process running?",
      (shared?.criticalStandIns ?? []).map((x) => ({ labels: { queue: x.queue }, value: x.value })),
    ),
    counterFamily(
      "herald_condition_errors_total",
      "Recipients' channels left out because the type's catalog condition for the channel threw (reason condition_error): a bug in the catalog's code, per type and channel.",
      (shared?.conditionErrors ?? []).map((x) => ({
        labels: { type: x.type, channel: x.channel },
        value: x.value,
      })),
    ),
    histogramFamily(
      "herald_send_latency_seconds",
      "Time from the event being accepted (or its scheduled time) to the provider accepting the message.",
      LATENCY_BUCKETS,
      (shared?.latency ?? []).map((x) => ({
        labels: { channel: x.channel, priority: x.priority },
        counts: x.counts,
        sum: x.sum,
      })),
    ),
  );

  const reliability = await reliabilityFamilies(deps.redis, deps.queues.prefix).catch(() => null);
  if (!reliability) up.redis = 0;
  families.push(...(reliability ?? []));

  const [dead, statusWebhooks] = await Promise.all([
    countDeadByChannel(deps.db).catch(() => null),
    statusWebhookFamilies(deps).catch(() => null),
  ]);
  if (!dead || !statusWebhooks) up.postgres = 0;
  families.push(...(statusWebhooks ?? []));
  const deadQueue = queues.find(([q]) => q === "dead_letter")?.[1];
  families.push(
    gaugeFamily(
      "herald_dlq_size",
      "Dead-lettered notifications (status DEAD) awaiting an operator, per channel.",
      (dead ?? []).map((d) => ({ labels: { channel: d.channel }, value: d.count })),
    ),
    gaugeFamily(
      "herald_dead_letter_queue_jobs",
      "Jobs in the dead_letter queue not yet handled (waiting, active or delayed).",
      deadQueue ? [{ value: deadQueue.waiting + deadQueue.active + deadQueue.delayed }] : [],
    ),
    gaugeFamily(
      "herald_metrics_source_up",
      "Whether the scrape could read each source (1) or not (0).",
      Object.entries(up).map(([source, value]) => ({ labels: { source }, value })),
    ),
  );
  return families;
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `GET /metrics`: Prometheus text format, shared across API and worker processes through Redis. */
export function registerMetrics(app: App, deps: ApiDeps): void {
  app.get("/metrics", async (c) => {
    const token = deps.env.METRICS_TOKEN;
    if (token && !authorized(c.req.header("authorization"), token)) {
      throw new HeraldError("unauthorized", "Send `Authorization: Bearer <METRICS_TOKEN>`.");
    }
    const [herald, process] = await Promise.all([heraldFamilies(deps), apiProcessMetrics().render()]);
    return c.body(
      `${renderPrometheus([...herald, ...deps.httpMetrics.families(), ...deps.auditWriter.families()])}${process}`,
      200,
      {
        "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
        "Cache-Control": "no-store",
      },
    );
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "MetricsToken", {
    type: "http",
    scheme: "bearer",
    description: "`METRICS_TOKEN`, when the server sets one (not an API key)",
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/metrics",
    tags: ["Ops"],
    summary: "Prometheus metrics",
    description:
      "Queue depth and oldest-job age per queue, jobs completed/failed, send latency histogram per channel " +
      "and priority, provider errors by class, dead-letter size, dead letters and ops alerts counted, reconciler " +
      "re-enqueues, status webhook changes waiting and the oldest one's age, plus the API process' own metrics " +
      "(CPU, memory, event loop; requests by method, route and status, and their durations). " +
      "Requires `Authorization: Bearer <METRICS_TOKEN>` when that is set.",
    // The token only when METRICS_TOKEN is set; open otherwise.
    security: [{ MetricsToken: [] }, {}],
    responses: {
      200: { description: "text/plain; version=0.0.4", content: { "text/plain": { schema: z.string() } } },
      401: {
        description: "METRICS_TOKEN is set and was not sent",
        content: { "application/json": { schema: ErrorSchema } },
      },
    },
  });
}
