import { STATUS_BACKLOG_EXACT_MAX, type StatusWebhookBacklog, statusWebhookBacklogs } from "@herald/db";
import { gaugeFamily, type MetricFamily } from "@herald/metrics";
import type { ApiDeps } from "../deps.ts";

/** Seconds the oldest waiting change has waited, on PostgreSQL's clock; 0 when none waits. */
export function oldestAgeSeconds(b: StatusWebhookBacklog): number {
  return b.oldestAt ? Math.max(0, (b.at.getTime() - b.oldestAt.getTime()) / 1000) : 0;
}

/**
 * The status webhook outbox as gauges, one sample per endpoint (label
 * `endpoint`: `whe_env` for STATUS_WEBHOOK_URL, always present, and each
 * endpoint of `/v1/webhook-endpoints`), from a few small queries
 * (`statusWebhookBacklogs`). Present whether the webhooks are on or off: off
 * with changes left waiting is worth an alert too. Rejects when PostgreSQL
 * cannot be asked.
 */
export async function statusWebhookFamilies(deps: Pick<ApiDeps, "db">): Promise<MetricFamily[]> {
  const all = await statusWebhookBacklogs(deps.db);
  const per = (value: (b: StatusWebhookBacklog) => number) =>
    all.map((b) => ({ labels: { endpoint: b.endpointId }, value: value(b) }));
  return [
    gaugeFamily(
      "herald_status_webhook_backlog",
      `Status changes recorded for an endpoint and not yet delivered (estimated from their ids above ${STATUS_BACKLOG_EXACT_MAX}).`,
      per((b) => b.waiting),
    ),
    gaugeFamily(
      "herald_status_webhook_oldest_age_seconds",
      "Age of the oldest status change waiting for an endpoint (0 when none waits); changes are dropped at STATUS_WEBHOOK_MAX_AGE.",
      per(oldestAgeSeconds),
    ),
  ];
}
