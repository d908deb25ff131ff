import { markEventFailed } from "@herald/db";
import { CHANNELS, type Channel } from "@herald/domain";
import { isDeliveryError } from "@herald/errors";
import { bullQueueName, DEFAULT_JOB_OPTIONS, parseJob, retryDelay } from "@herald/jobs";
import { type Job, Worker, type WorkerOptions } from "bullmq";
import { handleDeadLetter } from "./channels/dead-letter.ts";
import { sendNotification } from "./channels/send-notification.ts";
import type { WorkerDeps } from "./deps.ts";
import { processDigestJob, scheduleDigestSweep } from "./digest/digest-jobs.ts";
import type { WorkerQueue } from "./env.ts";
import { scheduleRetention } from "./maintenance/retention.ts";
import { runMaintenance } from "./maintenance/run-maintenance.ts";
import { attachJobMetrics } from "./metrics/attach-job-metrics.ts";
import { routeEvent } from "./router/route-event.ts";

export interface RunningWorkers {
  workers: Map<WorkerQueue, Worker>;
  /** True while every worker is connected and consuming. */
  isConsuming(): boolean;
  /** Stops taking jobs, waits for in-flight ones up to the shutdown timeout. */
  close(): Promise<void>;
}

function isChannel(q: WorkerQueue): q is Channel {
  return (CHANNELS as readonly string[]).includes(q);
}

/**
 * Starts one BullMQ worker per queue this process serves (`WORKER_CHANNELS`).
 * Channel workers get the channel's concurrency and rate limit; the limiter
 * lives in Redis, so it holds across every worker process.
 */
export function startWorkers(deps: WorkerDeps): RunningWorkers {
  const { env, logger } = deps;
  const workers = new Map<WorkerQueue, Worker>();

  for (const queue of env.queues) {
    const options: WorkerOptions = {
      connection: deps.redis,
      prefix: env.queuePrefix,
      concurrency: env.concurrency[queue],
      // A job whose worker died is picked up again after the lock expires; allow
      // several such rescues before BullMQ gives up on it.
      maxStalledCount: 10,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => {
          const schedule = isChannel(queue) ? env.retrySchedule[queue] : [0, 1000, 5000, 30_000];
          const planned = retryDelay(schedule, attemptsMade);
          const asked = err && isDeliveryError(err) ? (err.retryAfterMs ?? 0) : 0;
          return Math.max(planned, asked);
        },
      },
    };
    if (isChannel(queue) && env.rateLimit[queue]) options.limiter = env.rateLimit[queue];

    const processor = async (job: Job) => {
      if (queue === "events") return routeEvent(deps, parseJob("events", "route", job.data).eventId);
      if (queue === "dead_letter") return handleDeadLetter(deps, job);
      if (queue === "maintenance") return runMaintenance(deps, job);
      if (queue === "digest") return processDigestJob(deps, job);
      parseJob(queue, "send", job.data);
      return sendNotification(deps, queue, job);
    };

    const worker = new Worker(bullQueueName(queue), processor, options);
    worker.on("error", (err) => logger.warn({ queue, err: err.message }, "worker error"));
    // Ids and outcomes only: job data and results carry no personal data.
    worker.on("completed", (job, result) => logger.debug({ queue, jobId: job.id, result }, "job completed"));
    worker.on("failed", (job, err) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === "UnrecoverableError";
      logger[final ? "warn" : "info"](
        { queue, jobId: job.id, attempt: job.attemptsMade, err: err.message },
        "job failed",
      );
      if (queue === "events" && final) {
        markEventFailed(deps.db, (job.data as { eventId: string }).eventId, err.message).catch(() => {});
      }
    });
    attachJobMetrics(worker, queue, deps.metrics);
    workers.set(queue, worker);
  }
  if (workers.has("digest")) {
    // Delivery policy (issue 5): the periodic digest sweep; one scheduler per prefix, however many processes.
    scheduleDigestSweep(deps).catch((err) => logger.warn({ err: err.message }, "digest sweep not scheduled"));
  }
  logger.info({ queues: env.queues }, "workers started");
  if (env.queues.includes("maintenance")) {
    scheduleRetention(deps).catch((err: Error) =>
      logger.warn({ err: err.message }, "retention not scheduled"),
    );
  }

  void DEFAULT_JOB_OPTIONS;
  return {
    workers,
    isConsuming: () => [...workers.values()].every((w) => w.isRunning() && !w.isPaused()),
    async close() {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, env.shutdownTimeoutMs).unref());
      await Promise.race([Promise.all([...workers.values()].map((w) => w.close())), timeout]);
    },
  };
}
