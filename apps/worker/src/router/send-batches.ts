import type { NewNotification } from "@herald/db";
import type { Channel } from "@herald/domain";
import { newId } from "@herald/ids";
import type { WorkerEnv } from "../env.ts";

/**
 * Stamps rows routed together with the `send_batch` job (`snd_…`) that will
 * send them: up to `SEND_BATCH_SIZE` rows of one channel and priority per job.
 * One job per notification cost two BullMQ jobs' worth of Redis and worker
 * CPU per send, and its loads and SENT writes reached PostgreSQL in
 * statements of ~10 rows; a batch loads, and records, its rows together.
 *
 * Left to a `send` job of their own: scheduled rows (each has its own delay),
 * rows of a rate-limited channel (BullMQ's limiter counts jobs), anything not
 * QUEUED, and a row that would be alone in its batch. The stamp is written
 * with the row, so a router that runs again enqueues the same job ids.
 */
export function assignSendBatches<R extends NewNotification>(
  env: Pick<WorkerEnv, "sendBatchSize" | "rateLimit">,
  rows: R[],
): R[] {
  if (env.sendBatchSize < 2) return rows;
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    if (row.status !== "QUEUED" || row.scheduledAt || env.rateLimit[row.channel as Channel]) continue;
    const key = `${row.channel}\u0000${row.priority}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += env.sendBatchSize) {
      const batch = group.slice(i, i + env.sendBatchSize);
      if (batch.length < 2) continue;
      const sendJob = newId("snd");
      for (const row of batch) row.sendJob = sendJob;
    }
  }
  return rows;
}
