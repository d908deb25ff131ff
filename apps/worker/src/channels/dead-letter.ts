import { getNotification } from "@herald/db";
import { parseJob } from "@herald/jobs";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import type { OpsAlerts } from "../reliability/ops-alerts.ts";
import { isSettled } from "./record-failure.ts";

/**
 * A notification whose retries are exhausted; its row is already DEAD (or
 * about to be). Operators are told three ways: an error-level log line now,
 * the dead-letter counters in Redis (`reliabilityCountersKey`), and a grouped,
 * rate-limited ops alert (`OPS_ALERT_WEBHOOK_URL`). Retrying happens through
 * the API (`/v1/dead-letters`) or by retrying the failed channel job in Bull Board.
 *
 * A row settled by the time this runs (recorded SENT by a status callback
 * between the send's last look at it and its DEAD write, or sent after an
 * operator's retry, or discarded) is no dead letter to tell anyone about:
 * the job ends with a warning, nothing counted or alerted.
 */
export async function handleDeadLetter(deps: WorkerDeps, job: Job, alerts: OpsAlerts): Promise<void> {
  const { notificationId, channel, error, attempts } = parseJob("dead_letter", "dead", job.data);
  const notification = await getNotification(deps.db, notificationId);
  if (notification && isSettled(notification.status)) {
    deps.logger.warn(
      { notificationId, channel, current: notification.status, attempts },
      "dead letter dropped: the notification was recorded by someone else since",
    );
    return;
  }
  const type = notification?.type ?? "unknown";
  deps.logger.error({ notificationId, channel, type, attempts, error }, "notification dead-lettered");
  await alerts.record(job.id ?? notificationId, {
    notificationId,
    channel,
    type,
    attempts,
    error: error.slice(0, 300),
    at: new Date(job.timestamp).toISOString(),
  });
}
