import type { NotificationRow } from "@herald/db";
import { type Channel, PRIORITY_RANK } from "@herald/domain";
import type { WorkerDeps } from "../deps.ts";

/** Puts each notification's send job on its channel queue; job id = notification id, so repeats are no-ops. */
export async function enqueueSends(
  deps: WorkerDeps,
  rows: Pick<NotificationRow, "id" | "channel" | "status" | "priority" | "scheduledAt">[],
): Promise<void> {
  const now = deps.now().getTime();
  const byChannel = new Map<Channel, typeof rows>();
  for (const n of rows) {
    if (n.status !== "QUEUED" && n.status !== "SCHEDULED") continue;
    const list = byChannel.get(n.channel);
    if (list) list.push(n);
    else byChannel.set(n.channel, [n]);
  }
  await Promise.all(
    [...byChannel].map(([channel, list]) =>
      deps.queues.addBulk(
        channel,
        list.map((n) => ({
          name: "send" as const,
          data: { notificationId: n.id },
          opts: {
            jobId: n.id,
            priority: PRIORITY_RANK[n.priority],
            attempts: deps.env.retrySchedule[channel].length,
            backoff: { type: "schedule" },
            delay: n.scheduledAt ? Math.max(0, n.scheduledAt.getTime() - now) : 0,
            removeOnComplete: { age: 3600, count: 10_000 },
            removeOnFail: { age: 7 * 86_400 },
          },
        })),
      ),
    ),
  );
}
