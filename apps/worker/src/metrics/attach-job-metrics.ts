import type { Worker } from "bullmq";
import type { WorkerMetrics } from "./worker-metrics.ts";

/** Counts a BullMQ worker's completed and failed jobs (final = no retry follows). */
export function attachJobMetrics(worker: Worker, queue: string, metrics: WorkerMetrics): void {
  worker.on("completed", () => metrics.jobCompleted(queue));
  worker.on("failed", (job, err) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === "UnrecoverableError";
    metrics.jobFailed(queue, final);
  });
}
