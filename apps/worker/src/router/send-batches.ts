import type { NewNotification } from "@herald/db";
import type { Channel } from "@herald/domain";
import { newId } from "@herald/ids";
import type { WorkerEnv } from "../env.ts";
import type { ChannelSender } from "../providers/provider.ts";

/**
 * Stamps rows routed together with the `send_batch` job (`snd_…`) that will
 * send them: up to `SEND_BATCH_SIZE` rows of one channel and priority per job.
 * One job per notification cost two BullMQ jobs' worth of Redis and worker
 * CPU per send, and its loads and SENT writes reached PostgreSQL in
 * statements of ~10 rows; a batch loads, and records, its rows together.
 *
 * Left to a `send` job of their own: scheduled rows (each has its own delay),
 * anything not QUEUED, and a row that would be alone in its batch. A
 * rate-limited channel batches only when its sender hands a batch to the
 * provider in one request (`requestBatchSize`, Resend's 100), at most that
 * many per job: BullMQ's limiter counts jobs, so each job must be one request
 * (`EMAIL_RATE_LIMIT=2/1s` then means 2 requests a second, as Resend counts).
 * The stamp is written with the row, so a router that runs again enqueues
 * the same job ids.
 */
export function assignSendBatches<R extends NewNotification>(
  env: Pick<WorkerEnv, "sendBatchSize" | "rateLimit">,
  senders: Partial<Record<Channel, Pick<ChannelSender, "requestBatchSize">>>,
  rows: R[],
): R[] {
  const sizeFor = (channel: Channel): number => {
    if (!env.rateLimit[channel]) return env.sendBatchSize;
    return Math.min(env.sendBatchSize, senders[channel]?.requestBatchSize ?? 1);
  };
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    if (row.status !== "QUEUED" || row.scheduledAt || sizeFor(row.channel as Channel) < 2) continue;
    const key = `${row.channel}\u0000${row.priority}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const group of groups.values()) {
    const size = sizeFor(group[0]!.channel as Channel);
    for (let i = 0; i < group.length; i += size) {
      const batch = group.slice(i, i + size);
      if (batch.length < 2) continue;
      const sendJob = newId("snd");
      for (const row of batch) row.sendJob = sendJob;
    }
  }
  return rows;
}
