import {
  type DeviceRow,
  isDatabaseUnavailable,
  listDevicesOf,
  loadSendContexts,
  type SendContextRow,
} from "@herald/db";
import type { Channel, NotificationStatus } from "@herald/domain";
import { retryDelay } from "@herald/jobs";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { sendOptions } from "../router/enqueue-sends.ts";
import { deliver, type SendOptions } from "./send-notification.ts";

/**
 * A batch sends only rows nobody else owns: a FAILED row has its own retry
 * job (see `handOver`), and a DEAD one waits for an operator.
 */
const BATCH_SENDABLE = new Set<NotificationStatus>(["PENDING", "QUEUED", "SCHEDULED"]);

/** Rows loaded and sent at once (`SEND_BATCH_SIZE` is at most 1,000). */
const CHUNK = 100;

export interface BatchOutcome {
  sent: number;
  /** Already sent, canceled or handed over before this run reached them. */
  skipped: number;
  /** Failed for good (recorded FAILED or DEAD). */
  failed: number;
  /** Failed for now: each has a `send` job of its own that retries it. */
  retrying: number;
  missing: number;
}

/** The push devices of a chunk's recipients in one query, each recipient's in id order. */
async function devicesOf(deps: WorkerDeps, loaded: SendContextRow[]): Promise<Map<string, DeviceRow[]>> {
  const recipientIds = [...new Set(loaded.flatMap((l) => (l.recipient ? [l.recipient.id] : [])))];
  const byRecipient = new Map<string, DeviceRow[]>();
  const rows = (await listDevicesOf(deps.db, recipientIds)).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const d of rows) byRecipient.set(d.recipientId, [...(byRecipient.get(d.recipientId) ?? []), d]);
  return byRecipient;
}

/**
 * A `send_batch` job: notifications of one channel routed together, loaded a
 * chunk at a time in one query each, sent concurrently and recorded SENT
 * through the group-committed writer. A failed send does not fail the batch:
 * it is recorded, and a transient one is handed over to a `send` job of its
 * own that carries the attempt count on (`priorAttempts`) and follows the
 * channel's retry schedule. Only infrastructure errors fail the batch, whose
 * re-run skips what was sent or handed over; PostgreSQL being unreachable is
 * rethrown untouched once every send in hand has settled.
 */
export async function sendBatch(
  deps: WorkerDeps,
  channel: Channel,
  job: Job,
  options: SendOptions = {},
): Promise<BatchOutcome> {
  const ids = (job.data as { notificationIds: string[] }).notificationIds;
  const schedule = deps.env.retrySchedule[channel];
  const outcome: BatchOutcome = { sent: 0, skipped: 0, failed: 0, retrying: 0, missing: 0 };
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const found = await loadSendContexts(deps.db, chunk);
    const devices = channel === "push" ? await devicesOf(deps, [...found.values()]) : undefined;
    const settled = await Promise.allSettled(
      chunk.map(async (id) => {
        const loaded = found.get(id);
        if (!loaded) {
          outcome.missing++;
          return;
        }
        const { notification } = loaded;
        const handOver = async (err: { retryAfterMs?: number }) => {
          await deps.queues.add(
            channel,
            "send",
            { notificationId: id, priorAttempts: 1 },
            {
              ...sendOptions(deps, notification),
              attempts: schedule.length - 1,
              delay: Math.max(retryDelay(schedule, 1), err.retryAfterMs ?? 0),
            },
          );
        };
        const result = await deliver(
          deps,
          channel,
          loaded,
          { attempt: 1, maxAttempts: schedule.length, interrupted: job.stalledCounter > 0 },
          { ...options, sendable: BATCH_SENDABLE, beforeRetry: handOver, ...(devices ? { devices } : {}) },
        );
        if (result.status === "SENT") outcome.sent++;
        else if (result.status === "SKIPPED") outcome.skipped++;
        else if (result.failure.kind === "retry") outcome.retrying++;
        else outcome.failed++;
      }),
    );
    const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
    if (errors.length > 0) throw errors.find(isDatabaseUnavailable) ?? errors[0];
  }
  if (outcome.missing > 0)
    deps.logger.warn({ jobId: job.id, channel, missing: outcome.missing }, "batch rows not found");
  return outcome;
}
