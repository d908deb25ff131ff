import type { DigestRow } from "@herald/db";
import { DEFAULT_JOB_OPTIONS, parseJob } from "@herald/jobs";
import type { Job } from "bullmq";
import type { WorkerDeps } from "../deps.ts";
import { runSchedule } from "../schedules/run-schedule.ts";
import { sweepSchedules } from "../schedules/sweep-schedules.ts";
import { flushDigestWindow, sweepDigests } from "./flush-digest.ts";
import { rescheduleDigests } from "./reschedule-digests.ts";

/**
 * Puts a window's flush job on the `digest` queue, delayed until its
 * `flushAt`. The job id is the digest id: every router that files an item
 * into the window adds the same job, which BullMQ keeps once.
 */
export async function enqueueDigestFlush(deps: WorkerDeps, digests: DigestRow[]): Promise<void> {
  const now = deps.now().getTime();
  const unique = [...new Map(digests.map((d) => [d.id, d])).values()];
  await deps.queues.addBulk(
    "digest",
    unique.map((d) => ({
      name: "flush" as const,
      data: { digestId: d.id },
      opts: { ...DEFAULT_JOB_OPTIONS.digest, jobId: d.id, delay: Math.max(0, d.flushAt.getTime() - now) },
    })),
  );
}

/**
 * Registers the periodic sweeps, of digest windows and of recurring
 * schedules (one scheduler each per queue prefix, whatever the number of processes).
 */
export async function scheduleDigestSweep(deps: WorkerDeps): Promise<void> {
  const every = { every: deps.env.policy.digestSweepMs };
  const opts = { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } };
  const queue = deps.queues.get("digest");
  await queue.upsertJobScheduler("digest-sweep", every, { name: "sweep", data: {}, opts });
  await queue.upsertJobScheduler("schedule-sweep", every, { name: "schedule_sweep", data: {}, opts });
}

/** The `digest` queue's processor. */
export async function processDigestJob(deps: WorkerDeps, job: Job): Promise<unknown> {
  if (job.name === "sweep") {
    parseJob("digest", "sweep", job.data);
    return sweepDigests(deps);
  }
  if (job.name === "schedule_run") {
    const { scheduleId, runAt } = parseJob("digest", "schedule_run", job.data);
    return runSchedule(deps, scheduleId, new Date(runAt));
  }
  if (job.name === "schedule_sweep") {
    parseJob("digest", "schedule_sweep", job.data);
    return sweepSchedules(deps);
  }
  if (job.name === "reschedule") {
    const { recipientId } = parseJob("digest", "reschedule", job.data);
    return rescheduleDigests(deps, recipientId);
  }
  const { digestId } = parseJob("digest", "flush", job.data);
  const result = await flushDigestWindow(deps, digestId);
  return { kind: result.kind, ...("items" in result ? { items: result.items } : {}) };
}
