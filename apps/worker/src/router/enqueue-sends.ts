import type { NotificationRow } from "@herald/db";
import { type Channel, PRIORITY_RANK } from "@herald/domain";
import { DEFAULT_JOB_OPTIONS, MAX_SEND_ATTEMPTS } from "@herald/jobs";
import type { JobsOptions } from "bullmq";
import type { WorkerDeps } from "../deps.ts";

type Sendable = Pick<NotificationRow, "id" | "channel" | "status" | "priority" | "scheduledAt" | "sendJob">;

type ChannelJob =
  | { name: "send"; data: { notificationId: string }; opts: JobsOptions }
  | { name: "send_batch"; data: { notificationIds: string[] }; opts: JobsOptions };

/**
 * Puts each notification's send job on its channel queue: the `send_batch`
 * job its row was stamped with (job id = the stamp), or a `send` job of its
 * own (job id = notification id). Job ids are fixed by the rows, so repeats
 * are no-ops.
 */
export async function enqueueSends(deps: WorkerDeps, rows: Sendable[]): Promise<void> {
  const now = deps.now().getTime();
  const byChannel = new Map<Channel, ChannelJob[]>();
  const batches = new Map<string, { channel: Channel; first: Sendable; ids: string[] }>();
  const push = (channel: Channel, job: ChannelJob) => {
    const list = byChannel.get(channel);
    if (list) list.push(job);
    else byChannel.set(channel, [job]);
  };
  for (const n of rows) {
    if (n.status !== "QUEUED" && n.status !== "SCHEDULED") continue;
    if (n.sendJob && n.status === "QUEUED") {
      const batch = batches.get(n.sendJob);
      if (batch) batch.ids.push(n.id);
      else batches.set(n.sendJob, { channel: n.channel, first: n, ids: [n.id] });
      continue;
    }
    push(n.channel, {
      name: "send",
      data: { notificationId: n.id },
      opts: sendOptions(deps, n, now),
    });
  }
  for (const [jobId, { channel, first, ids }] of batches) {
    push(channel, {
      name: "send_batch",
      data: { notificationIds: ids },
      opts: { ...DEFAULT_JOB_OPTIONS.sendBatch, priority: PRIORITY_RANK[first.priority], jobId },
    });
  }
  await Promise.all([...byChannel].map(([channel, jobs]) => deps.queues.addBulk(channel, jobs)));
}

/**
 * A notification's own `send` job: job id = notification id, attempts as
 * many as any schedule (its channel worker's schedule stops it), delayed
 * until a SCHEDULED row's time.
 */
export function sendOptions(
  deps: WorkerDeps,
  n: Pick<NotificationRow, "id" | "channel" | "priority" | "status" | "scheduledAt">,
  now = deps.now().getTime(),
): JobsOptions {
  return {
    jobId: n.id,
    priority: PRIORITY_RANK[n.priority],
    attempts: MAX_SEND_ATTEMPTS,
    backoff: { type: "schedule" },
    delay: n.status === "SCHEDULED" && n.scheduledAt ? Math.max(0, n.scheduledAt.getTime() - now) : 0,
  };
}
