import { CHANNELS } from "@herald/domain";
import { type RedisClient, readReliabilityCounters } from "@herald/jobs";
import { counterFamily, type MetricFamily } from "@herald/metrics";

/** The ops alert outcomes the workers count (`ops_alerts_<result>`). */
const ALERT_RESULTS = ["sent", "failed", "logged"] as const;

/**
 * The workers' reliability counters (`reliabilityCountersKey`: dead letters,
 * ops alerts, reconciler re-enqueues) as Prometheus counters. Every known
 * label value is present from the start, at 0 until it happens: an alert rule
 * on `increase(...)` then fires on the first dead letter too, which a series
 * that appears at 1 would not show as an increase. Rejects when Redis cannot
 * be asked.
 */
export async function reliabilityFamilies(redis: RedisClient, prefix: string): Promise<MetricFamily[]> {
  const counts = await readReliabilityCounters(redis, prefix);
  const value = (field: string) => (Number.isFinite(counts[field]) ? counts[field]! : 0);
  const channels = new Set<string>(CHANNELS);
  for (const field of Object.keys(counts)) {
    if (field.startsWith("dead_letters:channel:")) channels.add(field.slice("dead_letters:channel:".length));
  }
  return [
    counterFamily(
      "herald_dead_letters_total",
      "Notifications dead-lettered (DEAD after their last attempt), per channel; each one is also in an ops alert.",
      [...channels].sort().map((channel) => ({
        labels: { channel },
        value: value(`dead_letters:channel:${channel}`),
      })),
    ),
    counterFamily(
      "herald_ops_alerts_total",
      "Dead-letter ops alerts by result: sent (OPS_ALERT_WEBHOOK_URL accepted it), failed (the webhook refused or was unreachable; retried), logged (no webhook configured).",
      ALERT_RESULTS.map((result) => ({ labels: { result }, value: value(`ops_alerts_${result}`) })),
    ),
    counterFamily(
      "herald_status_webhook_changes_total",
      "Notification status changes by outcome: delivered (their endpoint answered 2xx for their batch), expired (dropped undelivered after STATUS_WEBHOOK_MAX_AGE), endpoint_deleted (dropped by the workers' sweep after their endpoint was deleted; not those the DELETE dropped itself), rejected (dropped after their endpoint refused them alone with 400, 413 or 422 STATUS_WEBHOOK_SPLIT_AFTER times).",
      ["delivered", "expired", "endpoint_deleted", "rejected"].map((result) => ({
        labels: { result },
        value: value(`status_webhooks_${result}`),
      })),
    ),
    counterFamily(
      "herald_status_webhook_failures_total",
      "Status webhook POSTs refused, unanswered or unreachable (each is retried with backoff).",
      [{ value: value("status_webhooks_failed") }],
    ),
    counterFamily(
      "herald_reconciler_requeued_total",
      "Work the reconciler found without its job and enqueued again, by kind (event: routing; notification: sending).",
      [
        { labels: { kind: "event" }, value: value("reconciled_events") },
        { labels: { kind: "notification" }, value: value("reconciled_notifications") },
      ],
    ),
  ];
}
