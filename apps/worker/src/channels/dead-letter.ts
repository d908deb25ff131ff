import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";

/**
 * A notification whose retries are exhausted. The row is already DEAD; here
 * operators are told (error-level log line, later the ops webhook and metric).
 * Retrying happens through the API or Bull Board on the channel job.
 */
export async function handleDeadLetter(deps: WorkerDeps, job: Job): Promise<void> {
  const { notificationId, channel, error, attempts } = job.data as {
    notificationId: string;
    channel: string;
    error: string;
    attempts: number;
  };
  deps.logger.error({ notificationId, channel, attempts, error }, "notification dead-lettered");
}
