import { hostname } from "node:os";
import { createBatcher } from "@herald/batching";
import { within } from "@herald/config";
import { createDb, isDatabaseUnavailable, loadSendContexts, markEventsFailed, schemaCheck } from "@herald/db";
import { CHANNELS, type Channel, PRIORITY_RANK } from "@herald/domain";
import { isDeliveryError } from "@herald/errors";
import { bullQueueName, type Lane, laneQueueName, lanesOf, parseJob, retryDelay } from "@herald/jobs";
import { DelayedError, type Job, Worker, type WorkerOptions } from "bullmq";
import { handleDeadLetter } from "./channels/dead-letter.ts";
import { ChannelPausedError, PAUSABLE_LIMITER } from "./channels/provider-throttle.ts";
import { sendBatch } from "./channels/send-batch.ts";
import { sendNotification } from "./channels/send-notification.ts";
import type { WorkerDeps } from "./deps.ts";
import { processDigestJob, scheduleDigestSweep } from "./digest/digest-jobs.ts";
import type { WorkerQueue } from "./env.ts";
import { scheduleRetention } from "./maintenance/retention.ts";
import { runMaintenance } from "./maintenance/run-maintenance.ts";
import { scheduleStatistics } from "./maintenance/statistics.ts";
import { attachJobMetrics } from "./metrics/attach-job-metrics.ts";
import { type StandbyLane, startCriticalStandby } from "./reliability/critical-standby.ts";
import { createDatabaseGate, type DatabaseGate } from "./reliability/database-gate.ts";
import type { Readiness } from "./reliability/health-server.ts";
import { maskJobError } from "./reliability/mask-job-error.ts";
import { createOpsAlerts, type OpsAlerts } from "./reliability/ops-alerts.ts";
import { markPutBack } from "./reliability/put-back-mark.ts";
import { reconcile, scheduleReconciler } from "./reliability/reconcile.ts";
import { createSentWriter } from "./reliability/sent-writer.ts";
import { routeFanoutPage } from "./router/fanout-page.ts";
import { routeEvent } from "./router/route-event.ts";
import { GROUP_CHUNK, routeEventGroup } from "./router/route-group.ts";
import { createRouterBatches } from "./router/router-batches.ts";
import { createSemaphore, type Semaphore } from "./router/semaphore.ts";
import { type StatusWebhooks, startStatusWebhooks } from "./status-webhooks/status-webhook-dispatcher.ts";

export interface RunningWorkers {
  /** By BullMQ queue name before hash-tagging: `email`, and its critical lane `email_critical`. */
  workers: Map<string, Worker>;
  /** PostgreSQL's availability as this process sees it. */
  gate: DatabaseGate;
  alerts: OpsAlerts;
  /** Outbound status webhooks, in a process serving `maintenance` (null in others). */
  statusWebhooks: StatusWebhooks | null;
  /** True while every worker is connected and consuming (not paused, draining or waiting for a dependency). */
  isConsuming(): boolean;
  /** `isConsuming` plus live checks of Redis and PostgreSQL, for `/readyz`. */
  readiness(): Promise<Readiness>;
  /** Stops taking jobs, waits for in-flight ones up to `SHUTDOWN_TIMEOUT_MS`, then closes. */
  close(): Promise<void>;
}

function isChannel(q: WorkerQueue): q is Channel {
  return (CHANNELS as readonly string[]).includes(q);
}

/** Critical jobs (BullMQ priority 1) take the batchers' urgent lane. */
const laneOf = (job: Job) => ({ urgent: job.opts.priority === PRIORITY_RANK.critical });

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Starts one BullMQ worker per queue this process serves (`WORKER_CHANNELS`).
 * Channel workers get the channel's concurrency and rate limit; the limiter
 * lives in Redis, so it holds across every worker process, and so does the
 * pause a provider's 429 sets on a channel (`pauseChannel`).
 *
 * Crash safety: a job whose process died is taken over once its lock
 * (`JOB_LOCK_MS`) expires; every processor is idempotent. A job that finds
 * PostgreSQL unreachable goes back to the queue without using up an attempt,
 * and the process pauses its consumers until PostgreSQL answers again.
 */
export function startWorkers(deps: WorkerDeps): RunningWorkers {
  const { env, logger } = deps;
  const workers = new Map<string, Worker>();
  const gate = createDatabaseGate(() => deps.dbHandle.sql`select 1`, logger);
  // The "write after send" lane: see SendOptions.sentWriter.
  const statusLane = createDb(env.databaseUrl, {
    max: 2,
    applicationName: "herald-worker-status",
    planCacheMode: env.databasePlanCacheMode,
  });
  const sentWriter = createSentWriter(statusLane.db);
  // Every channel's send jobs load their notification + recipient through one grouped query.
  const contexts = createBatcher((ids: string[]) =>
    loadSendContexts(deps.db, ids).then((found) => ids.map((id) => found.get(id) ?? null)),
  );
  const routerBatches = createRouterBatches(deps);
  const alerts = createOpsAlerts({
    redis: deps.redis,
    prefix: env.queuePrefix,
    logger,
    webhookUrl: env.reliability.opsAlertWebhookUrl,
    webhookSecret: env.reliability.opsAlertWebhookSecret,
    groupWaitMs: env.reliability.opsAlertGroupWaitMs,
    intervalMs: env.reliability.opsAlertIntervalMs,
    schedule: (jobId, delay) => deps.queues.add("dead_letter", "alert", {}, { jobId, delay }),
  });
  let draining = false;
  /** Jobs whose processor is running in this process. */
  let inHand = 0;
  // Pages beyond this wait in-process (their locks are renewed meanwhile), bounding memory.
  const fanoutSlots = createSemaphore(env.fanout.concurrency);
  // Groups weigh their events (a chunk's worth at most): small groups, as single POSTs make
  // them, run many at once instead of queueing behind four slots while the CPU has room.
  const groupSlots = createSemaphore(env.routeGroupConcurrency * GROUP_CHUNK);
  // A batch job weighs its rows against the channel's concurrency (BullMQ counts it as one job);
  // two full batches at least, so that one batch's statements overlap another's sends.
  const batchSlots = Object.fromEntries(
    CHANNELS.map((c) => [
      c,
      createSemaphore(Math.max(2, Math.ceil(env.concurrency[c] / env.sendBatchSize)) * env.sendBatchSize),
    ]),
  ) as Record<Channel, Semaphore>;

  const dispatch = async (queue: WorkerQueue, job: Job, token: string | undefined) => {
    if (queue === "events") {
      if (job.name === "fanout_page") {
        const { eventId, page } = parseJob("events", "fanout_page", job.data);
        return fanoutSlots(() => routeFanoutPage(deps, eventId, page));
      }
      if (job.name === "route_group") {
        const { eventIds } = parseJob("events", "route_group", job.data);
        const lane = laneOf(job);
        const route = () => routeEventGroup(deps, eventIds, routerBatches, lane);
        // Groups in flight bound the memory of routing; a critical group does not queue for a slot.
        return lane.urgent ? route() : groupSlots(route, Math.min(eventIds.length, GROUP_CHUNK));
      }
      return routeEvent(deps, parseJob("events", "route", job.data).eventId, routerBatches, laneOf(job));
    }
    if (queue === "dead_letter") {
      if (job.name === "alert") return alerts.flush(job.id!);
      return handleDeadLetter(deps, job, alerts);
    }
    if (queue === "maintenance")
      return job.name === "reconcile" ? reconcile(deps) : runMaintenance(deps, job);
    if (queue === "digest") return processDigestJob(deps, job);
    if (job.name === "send_batch") {
      const { notificationIds } = parseJob(queue, "send_batch", job.data);
      const send = () => sendBatch(deps, queue, job, { gate, sentWriter });
      return laneOf(job).urgent ? send() : batchSlots[queue](send, notificationIds.length);
    }
    parseJob(queue, "send", job.data);
    return sendNotification(deps, queue, job, {
      gate,
      sentWriter,
      contexts,
      lane: laneOf(job),
      ...(token ? { token } : {}),
    });
  };

  const standbyLanes: StandbyLane[] = [];
  for (const queue of env.queues) {
    const options: WorkerOptions = {
      // Shown as a job's `processedBy` (Bull Board, fault tests): which process holds it.
      name: `${hostname()}:${process.pid}`,
      connection: deps.redis,
      prefix: env.queuePrefix,
      concurrency: env.concurrency[queue],
      lockDuration: env.reliability.jobLockMs,
      stalledInterval: env.reliability.jobLockMs,
      // A job whose worker died is picked up again after the lock expires; allow
      // several such rescues before BullMQ gives up on it.
      maxStalledCount: 10,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: { data?: unknown }) => {
          const schedule = isChannel(queue) ? env.retrySchedule[queue] : [0, 1000, 5000, 30_000];
          // A send handed over by its batch goes on with the batch's attempt count.
          const prior = (job?.data as { priorAttempts?: number } | undefined)?.priorAttempts ?? 0;
          const planned = retryDelay(schedule, prior + attemptsMade);
          const asked = err && isDeliveryError(err) ? (err.retryAfterMs ?? 0) : 0;
          return Math.max(planned, asked);
        },
      },
    };
    // Every channel worker has a limiter, so a provider's 429 can pause the channel (pauseChannel).
    if (isChannel(queue)) options.limiter = env.rateLimit[queue] ?? PAUSABLE_LIMITER;

    const processor = async (job: Job, token?: string) => {
      inHand++;
      try {
        return await dispatch(queue, job, token);
      } catch (err) {
        if (err instanceof ChannelPausedError && token) {
          // Due again when the pause ends, at the same attempt (see ChannelPausedError).
          await job.moveToDelayed(Date.now() + err.pauseMs, token);
          throw new DelayedError();
        }
        if (!isDatabaseUnavailable(err) || !token) throw maskJobError(err);
        // Not the job's fault: back to the queue shortly, no attempt used up.
        gate.reportDown(err);
        // Before the move, which gives up the lock: a provider may have answered this run
        // (its SENT write gave up), and the re-run must read the request notes it left.
        if (isChannel(queue) && deps.senders[queue].notesInFlight) await markPutBack(job, logger);
        await job.moveToDelayed(Date.now() + 1000 + Math.floor(Math.random() * 1000), token);
        throw new DelayedError();
      } finally {
        inHand--;
      }
    };

    const createWorker = (lane: Lane, autorun: boolean) => {
      const name = laneQueueName(queue, lane);
      const laneOptions =
        lane === "critical" ? { ...options, concurrency: env.criticalConcurrency } : options;
      const worker = new Worker(bullQueueName(name), processor, { ...laneOptions, autorun });
      worker.on("error", (err) => {
        if (!deps.redisOutage.report(err, name))
          logger.warn({ queue: name, err: err.message }, "worker error");
      });
      // Ids and outcomes only: job data and results carry no personal data.
      worker.on("completed", (job, result) =>
        logger.debug({ queue: name, jobId: job.id, result }, "job completed"),
      );
      worker.on("failed", (job, err) => {
        if (!job) return;
        const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === "UnrecoverableError";
        logger[final ? "warn" : "info"](
          { queue: name, jobId: job.id, attempt: job.attemptsMade, err: err.message },
          "job failed",
        );
        if (queue === "events" && final) {
          const data = job.data as { eventId?: string; eventIds?: string[] };
          markEventsFailed(deps.db, data.eventIds ?? (data.eventId ? [data.eventId] : []), err.message).catch(
            () => {},
          );
        }
      });
      attachJobMetrics(worker, queue, deps.metrics);
      return worker;
    };

    for (const lane of lanesOf(queue)) {
      const name = laneQueueName(queue, lane);
      if (env.lanes === "all" || env.lanes === lane) workers.set(name, createWorker(lane, true));
      else if (lane === "critical" && env.criticalFallbackMs > 0)
        standbyLanes.push({
          name,
          queue: deps.queues.get(queue, lane),
          createWorker: () => createWorker(lane, false),
        });
    }
  }
  // A normal-lanes process steps in for a critical lane nobody serves.
  const standby = startCriticalStandby(standbyLanes, {
    afterMs: env.criticalFallbackMs,
    canServe: () => !draining && !gate.down,
    onStandIn: (lane) => deps.metrics.criticalStandIn(lane),
    logger,
  });

  gate.onChange((down) => {
    for (const [queue, worker] of workers) {
      if (down) worker.pause(true).catch((err) => logger.warn({ queue, err }, "pause failed"));
      else if (!draining) void worker.resume();
    }
    if (down) standby.pauseAll();
  });

  if (workers.has("maintenance")) {
    scheduleReconciler(deps).catch((err) =>
      logger.error({ err: (err as Error).message }, "could not schedule the reconciler"),
    );
  }
  if (workers.has("digest")) {
    // Delivery policy: the periodic digest sweep; one scheduler per prefix, however many processes.
    scheduleDigestSweep(deps).catch((err) => logger.warn({ err: err.message }, "digest sweep not scheduled"));
  }
  // Which lanes this process took, so a critical-lanes process and a bulk one tell apart in the logs.
  logger.info({ queues: env.queues, lanes: env.lanes, serving: [...workers.keys()] }, "workers started");
  // The processes serving maintenance own the status webhooks: they switch PostgreSQL's recording
  // of changes on or off, and dispatch them (any number of them at once).
  const statusWebhooks = workers.has("maintenance") ? startStatusWebhooks(deps) : null;
  if (workers.has("maintenance")) {
    scheduleRetention(deps).catch((err: Error) =>
      logger.warn({ err: err.message }, "retention not scheduled"),
    );
    scheduleStatistics(deps).catch((err: Error) =>
      logger.warn({ err: err.message }, "statistics check not scheduled"),
    );
  }

  const isConsuming = () =>
    !draining &&
    !gate.down &&
    deps.redis.status === "ready" &&
    [...workers.values()].every((w) => w.isRunning() && !w.isPaused());

  let closing: Promise<void> | undefined;
  const schema = schemaCheck(deps.dbHandle.sql);
  return {
    workers,
    gate,
    alerts,
    statusWebhooks,
    isConsuming,
    async readiness() {
      const [postgres, redis] = await Promise.all([
        // Reachable is not enough: with MIGRATE_ON_START=false a schema behind the code fails jobs.
        within(
          deps.dbHandle.sql`select 1`.then(() => schema()),
          1000,
        ).then(
          (behind) => (behind ? `behind: ${behind}` : "up"),
          (err: Error) => `down: ${err.message}`,
        ),
        within(deps.redis.ping(), 1000).then(
          () => "up",
          (err: Error) => `down: ${err.message}`,
        ),
      ]);
      const consuming = isConsuming();
      return {
        ready: consuming && postgres === "up" && redis === "up",
        consuming,
        draining,
        postgres,
        redis,
        queues: Object.fromEntries([
          ...[...workers].map(([q, w]) => [
            q,
            w.isPaused() ? "paused" : w.isRunning() ? "running" : "stopped",
          ]),
          // Critical lanes left to their own process: "standby", or "serving" while this one steps in.
          ...standbyLanes.map((l) => [l.name, standby.serving().includes(l.name) ? "serving" : "standby"]),
        ]),
      };
    },
    close() {
      closing ??= (async () => {
        draining = true;
        // No new batch is claimed from now on; a POST in flight ends within STATUS_WEBHOOK_TIMEOUT.
        const webhooksClosed = statusWebhooks?.close();
        // Pausing stops fetching at once; closing then waits for the jobs in hand.
        const graceful = Promise.all([
          standby.close(),
          Promise.all([...workers.values()].map((w) => w.pause())).then(() =>
            Promise.all([...workers.values()].map((w) => w.close())),
          ),
        ]);
        // BullMQ's close waits for Redis; while it is unreachable and no job is in
        // hand there is nothing to finish, and no reason to hold a restart for the whole timeout.
        let waiting = true;
        const nothingInHand = (async () => {
          while (waiting && (deps.redis.status === "ready" || inHand > 0)) await sleep(100);
          return waiting ? "nothing in hand" : "done";
        })();
        const outcome = await Promise.race([
          graceful.then(() => "done"),
          nothingInHand,
          sleep(env.shutdownTimeoutMs).then(() => "timeout"),
        ]);
        waiting = false;
        if (outcome === "nothing in hand") {
          logger.info("Redis is unreachable and no job is in hand: stopping without waiting for it");
        } else if (outcome === "timeout") {
          // Their locks expire and another worker takes them over (at-least-once: a send
          // cut off between the provider's answer and the status write may go out again).
          logger.warn(
            { timeoutMs: env.shutdownTimeoutMs },
            "shutdown timeout: leaving unfinished jobs to be taken over after their lock expires",
          );
        }
        await webhooksClosed;
        gate.close();
        await statusLane.close().catch(() => {});
      })();
      return closing;
    },
  };
}
