import { STATUS_BACKLOG_EXACT_MAX, type StatusWebhookBacklog, statusWebhookBacklog } from "@herald/db";
import { gaugeFamily, type MetricFamily } from "@herald/metrics";
import type { ApiDeps } from "../deps.ts";

/** Seconds the oldest waiting change has waited, on PostgreSQL's clock; 0 when none waits. */
export function oldestAgeSeconds(b: StatusWebhookBacklog): number {
  return b.oldestAt ? Math.max(0, (b.at.getTime() - b.oldestAt.getTime()) / 1000) : 0;
}

/**
 * The status webhook outbox as gauges, from one small query
 * (`statusWebhookBacklog`). Present whether the webhooks are on or off: off
 * with changes left waiting is worth an alert too. Rejects when PostgreSQL
 * cannot be asked.
 */
export async function statusWebhookFamilies(deps: Pick<ApiDeps, "db">): Promise<MetricFamily[]> {
  const b = await statusWebhookBacklog(deps.db);
  return [
    gaugeFamily(
      "herald_status_webhook_backlog",
      `Status changes recorded and not yet delivered to STATUS_WEBHOOK_URL (estimated from their ids above ${STATUS_BACKLOG_EXACT_MAX}).`,
      [{ value: b.waiting }],
    ),
    gaugeFamily(
      "herald_status_webhook_oldest_age_seconds",
      "Age of the oldest status change waiting to be delivered (0 when none waits); changes are dropped at STATUS_WEBHOOK_MAX_AGE.",
      [{ value: oldestAgeSeconds(b) }],
    ),
  ];
}
