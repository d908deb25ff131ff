import {
  listStaleEvents,
  listStaleNotifications,
  listUnsettledDigestRecipients,
  type NotificationRow,
} from "@herald/db";
import { PRIORITY_RANK, type Priority } from "@herald/domain";
import { DEFAULT_JOB_OPTIONS, ensureJobRuns, reliabilityCountersKey } from "@herald/jobs";
import { pinLeftInFlight } from "../channels/in-flight-log.ts";
import { isRetryBatchId, retryBatchAttempt } from "../channels/retry-batch.ts";
import type { WorkerDeps } from "../deps.ts";
import { sendOptions } from "../router/enqueue-sends.ts";

const PAGE = 500;
/** Rows looked at per run and kind; the rest waits for the next run (oldest first). */
const MAX_PER_RUN = 20_000;

export interface ReconcileResult {
  /** Stale rows looked at. */
  checkedEvents: number;
  checkedNotifications: number;
  /** Jobs that were missing or finished and had to be created or re-run. */
  requeuedEvents: number;
  requeuedNotifications: number;
  /** Users whose digest windows were still to be moved after a change: asked again. */
  requeuedDigestMoves: number;
}

async function forEachPage<T extends { id: string }>(
  fetch: (afterId: string | null) => Promise<T[]>,
  handle: (rows: T[]) => Promise<void>,
): Promise<number> {
  let afterId: string | null = null;
  let seen = 0;
  while (seen < MAX_PER_RUN) {
    const rows = await fetch(afterId);
    if (rows.length === 0) break;
    await handle(rows);
    seen += rows.length;
    afterId = rows[rows.length - 1]!.id;
    if (rows.length < PAGE) break;
  }
  return seen;
}

/**
 * The safety net between PostgreSQL and Redis: events accepted but never
 * routed, and notifications QUEUED/PENDING (or SCHEDULED past due, or FAILED
 * awaiting a retry) that have not moved for `RECONCILE_AFTER_MS`, get their
 * job back. Runs as the `reconcile` job scheduler on the `maintenance` queue.
 */
export async function reconcile(deps: WorkerDeps): Promise<ReconcileResult> {
  const cutoff = new Date(deps.now().getTime() - deps.env.reliability.reconcileAfterMs);
  const result: ReconcileResult = {
    checkedEvents: 0,
    checkedNotifications: 0,
    requeuedEvents: 0,
    requeuedNotifications: 0,
    requeuedDigestMoves: 0,
  };

  result.checkedEvents = await forEachPage(
    (after) => listStaleEvents(deps.db, cutoff, after, PAGE),
    async (rows) => {
      const fixed = await Promise.all(
        rows.map(async (e) => {
          const priority = PRIORITY_RANK[e.priority as Priority] ?? PRIORITY_RANK.normal;
          const addOwn = () =>
            deps.queues.add("events", "route", { eventId: e.id }, { jobId: e.id, priority });
          // An event of a group is in hand while its group's job is; once that job is
          // gone, the event gets a `route` job of its own (which a later run then finds).
          const group = e.routeJob ? await deps.queues.locate("events", e.routeJob, priority) : undefined;
          if (group && group.state !== "unknown")
            return ensureJobRuns(group.queue, e.routeJob!, addOwn, group.state);
          const own = await deps.queues.locate("events", e.id, priority);
          return ensureJobRuns(own.queue, e.id, addOwn, own.state);
        }),
      );
      result.requeuedEvents += fixed.filter(Boolean).length;
    },
  );

  result.checkedNotifications = await forEachPage(
    (after) => listStaleNotifications(deps.db, cutoff, after, PAGE),
    async (rows) => {
      const fixed = await Promise.all(rows.map((n) => ensureSendJob(deps, n)));
      result.requeuedNotifications += fixed.filter(Boolean).length;
    },
  );

  // A change that may move a user's digest windows, whose reschedule job never ran (Redis was down
  // when the API asked). One job per mark: a pass while it still waits (a digest backlog) adds no
  // second one, and one that ran without settling the mark runs again.
  const unsettled = await listUnsettledDigestRecipients(deps.db, cutoff, PAGE);
  for (const { id: recipientId, since } of unsettled) {
    const jobId = `reschedule-${recipientId}-${since.getTime()}`;
    const { queue, state } = await deps.queues.locate("digest", jobId);
    const add = () =>
      deps.queues.add("digest", "reschedule", { recipientId }, { ...DEFAULT_JOB_OPTIONS.digest, jobId });
    if (await ensureJobRuns(queue, jobId, add, state)) result.requeuedDigestMoves++;
  }

  if (result.requeuedEvents + result.requeuedNotifications > 0) {
    deps.logger.warn(result, "reconciler re-enqueued work whose job was missing");
    await deps.redis
      .multi()
      .hincrby(reliabilityCountersKey(deps.env.queuePrefix), "reconciled_events", result.requeuedEvents)
      .hincrby(
        reliabilityCountersKey(deps.env.queuePrefix),
        "reconciled_notifications",
        result.requeuedNotifications,
      )
      .exec();
  }
  return result;
}

/**
 * A notification of a `send_batch` job is in hand while that job waits or
 * runs, as long as it has no job of its own and is QUEUED to it, or FAILED
 * and handed to a retry batch (a first batch leaves FAILED rows alone).
 * Otherwise it gets or keeps a `send` job of its own. A batch that finished
 * with the row still open is not re-run: its payload may not list the row
 * (a router re-run can enqueue part of a lost batch under the batch's id).
 */
async function ensureSendJob(deps: WorkerDeps, n: NotificationRow): Promise<boolean> {
  const priority = PRIORITY_RANK[n.priority];
  // A FAILED row whose retry batch is gone has used the attempts before the one that batch was
  // to make: its own job goes on from there rather than starting the schedule again.
  const next = n.status === "FAILED" ? retryBatchAttempt(n.sendJob) : null;
  const data =
    next && next > 1 ? { notificationId: n.id, priorAttempts: next - 1 } : { notificationId: n.id };
  const addOwn = () => deps.queues.add(n.channel, "send", data, sendOptions(deps, n));
  const own = await deps.queues.locate(n.channel, n.id, priority);
  const batched = n.status === "QUEUED" || (n.status === "FAILED" && isRetryBatchId(n.sendJob));
  if (own.state === "unknown" && n.sendJob && batched) {
    const batch = await deps.queues.locate(n.channel, n.sendJob, priority);
    if (batch.state !== "unknown" && batch.state !== "completed" && batch.state !== "failed") return false;
    // A batch BullMQ failed because its workers kept dying (past `maxStalledCount`) may have left a
    // provider request noted under its id, which the row's own job would never read: pin the row now.
    if (batch.state === "failed" && deps.senders[n.channel].notesInFlight)
      await pinLeftInFlight(deps, n.channel, n.sendJob, "stalled-out", new Set([n.id]));
  }
  return ensureJobRuns(own.queue, n.id, addOwn, own.state);
}

/** Registers (or updates) the repeating reconcile job; every worker process may call it, it stays one scheduler. */
export async function scheduleReconciler(deps: WorkerDeps): Promise<void> {
  await deps.queues
    .get("maintenance")
    .upsertJobScheduler(
      "reconcile",
      { every: deps.env.reliability.reconcileIntervalMs },
      { name: "reconcile", data: {} },
    );
}
