import type { RedisClient } from "./redis-client.ts";

/**
 * Redis hash holding the reliability counters every worker process adds to
 * (monotonic; the API's `/metrics` exports them as `herald_dead_letters_total`,
 * `herald_ops_alerts_total`, `herald_reconciler_requeued_total` and the status webhook counters):
 * - `dead_letters_total`, `dead_letters:channel:<channel>`, `dead_letters:type:<type>`
 * - `ops_alerts_sent`, `ops_alerts_failed`, `ops_alerts_logged` (no webhook configured)
 * - `reconciled_events`, `reconciled_notifications` (jobs the reconciler had to re-create)
 * - `status_webhooks_delivered`, `status_webhooks_expired`, `status_webhooks_endpoint_deleted`,
 *   `status_webhooks_rejected` (status changes; `endpoint_deleted`: dropped by the sweep after their
 *   endpoint was deleted; `rejected`: dropped after their endpoint refused them alone with 400, 413 or
 *   422), `status_webhooks_failed` (POSTs)
 *
 * The `{ops}` hash tag keeps it in one Redis Cluster slot with the alert keys.
 */
export function reliabilityCountersKey(prefix: string): string {
  return `${prefix}:{ops}:counters`;
}

/** Every counter of {@link reliabilityCountersKey} as numbers (absent ones are 0 to the caller). */
export async function readReliabilityCounters(
  redis: RedisClient,
  prefix: string,
): Promise<Record<string, number>> {
  const raw = await redis.hgetall(reliabilityCountersKey(prefix));
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}
