import {
  claimStatusBatch,
  configureStatusWebhooks,
  deleteStatusBatch,
  ENV_WEBHOOK_ENDPOINT_ID,
  type ExpiredChanges,
  expireStatusChanges,
  type OrphanSweep,
  type PostponedBatch,
  recordEndpointSuccess,
  statusWebhookBacklog,
} from "@herald/db";
import { reliabilityCountersKey } from "@herald/jobs";
import type { WorkerDeps } from "../deps.ts";
import { isContentRejection, refusalStep } from "./content-rejection.ts";
import { type DispatchTarget, watchDispatchTargets } from "./dispatch-targets.ts";
import { sweepDeletedEndpoints } from "./orphan-sweep.ts";
import { postStatusBatch } from "./post-status-batch.ts";
import { dropRejectedChange, reportSplit } from "./rejected-batch.ts";
import { reportLeaseLost, settleFailedBatch } from "./settle-batch.ts";

/** Lease of a batch beyond the POST's timeout: time for the answer to be recorded. */
const LEASE_SLACK_MS = 5000;
/** First wait after a refused attempt; it doubles up to `STATUS_WEBHOOK_RETRY_MAX`. */
const FIRST_RETRY_MS = 1000;
/** Waits of a dispatcher that cannot reach PostgreSQL. */
const DATABASE_RETRY_MS = 2000;
/**
 * A batch failing this long gets one error-level log line (alerting usually
 * watches those): past the retries of a blip, long before `STATUS_WEBHOOK_MAX_AGE`.
 */
export const STUCK_BATCH_ALERT_MS = 10 * 60_000;

export interface StatusWebhooks {
  /** Drops the changes older than `STATUS_WEBHOOK_MAX_AGE` now (the dispatcher does so every minute). */
  expire(): Promise<ExpiredChanges>;
  /** Drops what waits for deleted endpoints now (the dispatcher does so every minute, after `expire`). */
  sweepDeleted(): Promise<OrphanSweep>;
  /** Stops claiming; waits for the POSTs in flight (at most `STATUS_WEBHOOK_TIMEOUT`). */
  close(): Promise<void>;
}

/** What one dispatcher loop's turn came to ("lost": its outcome was stale, see `reportLeaseLost`). */
type Delivery = "sent" | "failed" | "lost" | "idle";

/** The wait before attempt `failed + 1` of a batch that failed `failed` times. */
export function retryWait(failed: number, maxMs: number): number {
  return Math.min(maxMs, FIRST_RETRY_MS * 2 ** Math.max(0, failed - 1));
}

/**
 * Whether this failure is the first past `STUCK_BATCH_ALERT_MS` of the batch
 * failing: decided on the row's own times, so one line per batch whichever
 * process made the attempt, and none repeated after a restart.
 */
export function crossedStuckThreshold(p: PostponedBatch): boolean {
  const failing = (d: Date) => d.getTime() - p.since.getTime();
  return (
    failing(p.at) >= STUCK_BATCH_ALERT_MS &&
    (!p.previousAttemptAt || failing(p.previousAttemptAt) < STUCK_BATCH_ALERT_MS)
  );
}

/**
 * Outbound status webhooks in a process serving the `maintenance` queue.
 * At start it switches PostgreSQL's recording of changes for
 * `STATUS_WEBHOOK_URL` on (the statuses of `STATUS_WEBHOOK_STATUSES`) or off
 * (unset); the endpoints of `/v1/webhook-endpoints` are recorded as the API
 * changes them. `STATUS_WEBHOOK_CONCURRENCY` loops claim batches of every
 * endpoint (`claimStatusBatch`), POST them, and delete them once answered 2xx. A batch refused for its
 * body (400, 413, 422) `STATUS_WEBHOOK_SPLIT_AFTER` times in a row is split in two, down to the one
 * change the receiver refuses, which is dropped. Any number of processes may
 * run them: batches are leased in PostgreSQL, and a dead process's batch is
 * POSTed again, under the same `webhook-id`, once its lease ran out. A
 * process that outlived its lease (stalled, then got its answer) settles
 * nothing: the batch is the new holder's.
 */
export function startStatusWebhooks(deps: WorkerDeps): StatusWebhooks {
  const { logger } = deps;
  const env = deps.env.statusWebhooks;
  const counters = reliabilityCountersKey(deps.env.queuePrefix);
  let stopping = false;
  let wake!: () => void;
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const pause = (ms: number) => Promise.race([new Promise<void>((r) => setTimeout(r, ms).unref()), stopped]);
  const count = (field: string, by: number) => {
    deps.redis
      .hincrby(counters, field, by)
      .catch((err: Error) =>
        logger.warn({ err: err.message, field, by }, "status webhook counter not written"),
      );
  };

  const expire = async (): Promise<ExpiredChanges> => {
    const cutoff = new Date(deps.now().getTime() - env.maxAgeMs);
    const total: ExpiredChanges = { count: 0, oldest: null, byStatus: {} };
    for (;;) {
      const step = await expireStatusChanges(deps.db, cutoff);
      if (step.count === 0) break;
      total.count += step.count;
      if (!total.oldest || (step.oldest && step.oldest < total.oldest)) total.oldest = step.oldest;
      for (const [s, n] of Object.entries(step.byStatus)) total.byStatus[s] = (total.byStatus[s] ?? 0) + n;
    }
    if (total.count > 0) {
      count("status_webhooks_expired", total.count);
      logger.error(
        {
          dropped: total.count,
          byStatus: total.byStatus,
          oldest: total.oldest?.toISOString(),
          maxAgeMs: env.maxAgeMs,
        },
        `status webhooks: dropped ${total.count} status change(s) not delivered within STATUS_WEBHOOK_MAX_AGE`,
      );
    }
    return total;
  };

  const sweepDeleted = () => sweepDeletedEndpoints(deps, count);

  const targets = watchDispatchTargets(deps, stopped);
  // POSTs (and claims) under way in this process, per endpoint.
  const inFlight = new Map<string, number>();
  let turn = 0;

  const leaseMs = env.timeoutMs + LEASE_SLACK_MS;
  const ctx = { ...deps, count };

  /**
   * One batch of `target`'s, if it has one due: claimed, POSTed, then deleted
   * or postponed; "lost" when another dispatcher took it over meanwhile.
   */
  const deliverTo = async (target: DispatchTarget): Promise<Delivery> => {
    const batch = await claimStatusBatch(deps.db, { endpointId: target.id, size: env.batchSize, leaseMs });
    if (!batch) return "idle";
    const outcome = await postStatusBatch(batch, {
      url: target.url,
      secret: target.keys,
      timeoutMs: env.timeoutMs,
      now: () => deps.now().getTime(),
      publicOnly: target.publicOnly,
    });
    const own = target.id !== ENV_WEBHOOK_ENDPOINT_ID;
    if (outcome.ok) {
      if (!(await deleteStatusBatch(deps.db, batch)))
        return reportLeaseLost(logger, batch, "answered 2xx", leaseMs);
      if (own) await recordEndpointSuccess(deps.db, target.id);
      count("status_webhooks_delivered", batch.changes.length);
      logger.debug(
        { endpointId: target.id, batch: batch.id, changes: batch.changes.length },
        "status webhook delivered",
      );
      return "sent";
    }
    const step = refusalStep({
      status: outcome.status,
      rejections: batch.rejections,
      changes: batch.changes.length,
      splitAfter: env.splitAfter,
    });
    const rejected = { batch, status: outcome.status ?? 0, splitAfter: env.splitAfter };
    if (step === "drop")
      return (await dropRejectedChange(ctx, rejected, own))
        ? "failed"
        : reportLeaseLost(logger, batch, outcome.error, leaseMs);
    const wait = retryWait(batch.attempts + 1, env.retryMaxMs);
    const settled = await settleFailedBatch(deps.db, {
      batch,
      split: step === "split",
      waitMs: wait,
      error: outcome.error,
      contentRejection: isContentRejection(outcome.status),
      endpointId: own ? target.id : null,
    });
    if (!settled) return reportLeaseLost(logger, batch, outcome.error, leaseMs);
    if ("halves" in settled) {
      reportSplit(ctx, rejected, settled.halves);
      return "failed";
    }
    const { postponed } = settled;
    count("status_webhooks_failed", 1);
    const line = {
      endpointId: target.id,
      batch: batch.id,
      changes: batch.changes.length,
      attempt: batch.attempts + 1,
      retryInMs: wait,
    };
    logger.warn(line, `status webhook ${outcome.error}`);
    if (crossedStuckThreshold(postponed)) {
      const who = own ? `endpoint ${target.id}` : "STATUS_WEBHOOK_URL";
      logger.error(
        { ...line, failingSince: postponed.since.toISOString(), error: outcome.error },
        `status webhooks: ${who} has failed every POST for ${Math.round((postponed.at.getTime() - postponed.since.getTime()) / 60_000)} min; changes wait in PostgreSQL (dropped after STATUS_WEBHOOK_MAX_AGE)`,
      );
    }
    return "failed";
  };

  /**
   * One batch of any endpoint's, taking the endpoints in turn. With several,
   * an endpoint gets at most `concurrency - 1` of this process's loops, so
   * one whose POSTs hang until the timeout leaves a loop to the others. A
   * failure makes no loop wait: the batch's next attempt time (in
   * PostgreSQL) keeps that endpoint waiting, alone.
   */
  const deliverOne = async (): Promise<Delivery> => {
    const list = targets.current();
    const cap = list.length > 1 ? Math.max(1, env.concurrency - 1) : env.concurrency;
    const first = turn++;
    for (let i = 0; i < list.length; i++) {
      const target = list[(first + i) % list.length]!;
      const busy = inFlight.get(target.id) ?? 0;
      if (busy >= cap) continue;
      inFlight.set(target.id, busy + 1);
      try {
        const result = await deliverTo(target);
        if (result !== "idle") return result;
      } finally {
        inFlight.set(target.id, (inFlight.get(target.id) ?? 1) - 1);
      }
    }
    return "idle";
  };

  const loop = async () => {
    while (!stopping) {
      try {
        if ((await deliverOne()) === "idle") await pause(env.pollIntervalMs);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, "status webhooks: PostgreSQL failed; trying again");
        await pause(DATABASE_RETRY_MS);
      }
    }
  };

  const sweep = async () => {
    while (!stopping) {
      await expire().catch((err: Error) =>
        logger.warn({ err: err.message }, "status webhooks: expiry failed; trying again"),
      );
      await sweepDeleted().catch((err: Error) =>
        logger.warn({ err: err.message }, "status webhooks: sweep of deleted endpoints failed; trying again"),
      );
      await pause(Math.min(60_000, env.maxAgeMs / 10));
    }
  };

  const started = (async () => {
    // The switch must land: without it the recording stays as the last process left it.
    for (;;) {
      try {
        await configureStatusWebhooks(deps.db, env.url ? env.statuses : null, env.url ?? undefined);
        break;
      } catch (err) {
        if (stopping) return;
        logger.warn({ err: (err as Error).message }, "status webhooks: could not switch the recording");
        await pause(DATABASE_RETRY_MS);
      }
    }
    if (!env.url) {
      // The count the Overview and /metrics show (an estimate past 10,000): a full count is a scan.
      const left = (await statusWebhookBacklog(deps.db).catch(() => null))?.waiting ?? 0;
      if (left > 0)
        logger.warn(
          { waiting: left },
          "status webhooks: STATUS_WEBHOOK_URL is unset but changes recorded for it earlier wait undelivered; they go out once it is set again",
        );
    } else
      logger.info(
        { statuses: env.statuses, batchSize: env.batchSize, concurrency: env.concurrency },
        "status webhooks on (STATUS_WEBHOOK_URL)",
      );
    // Always: endpoints added through the API are picked up while running (none: the loops only wait).
    await Promise.all([targets.done, sweep(), ...Array.from({ length: env.concurrency }, loop)]);
  })();

  return {
    expire,
    sweepDeleted,
    async close() {
      stopping = true;
      wake();
      await started;
    },
  };
}
