import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { reopenFailedEvents } from "@herald/db";
import type { Job, Queue } from "bullmq";
import type { ApiDeps } from "../deps.ts";
import { markRetried } from "./dead-letters.ts";

type Retry = Job["retry"];

/**
 * Bull Board's view of one Herald queue. Its "retry" buttons call a job's
 * `retry(state)`, which in BullMQ keeps the attempts already made: a job that
 * had used up its attempts got a single try, with an attempt number past the
 * maximum. Here a retried job starts its retry schedule afresh, as a retry
 * through the API does; a channel's `send` job also records the retry in
 * its notification's timeline (DEAD → QUEUED, `by: "bull-board"`), so the
 * dead-letter list and the dashboard agree with Bull Board at once, and a
 * routing job takes its failed events back to `accepted`, which routing
 * would otherwise skip.
 */
export class HeraldQueueAdapter extends BullMQAdapter {
  constructor(
    queue: Queue,
    private readonly deps: ApiDeps,
  ) {
    super(queue);
  }

  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job ? this.withFreshRetry(job) : job;
  }

  override async getJobs(...args: Parameters<BullMQAdapter["getJobs"]>): Promise<Job[]> {
    return (await super.getJobs(...args)).map((job) => this.withFreshRetry(job));
  }

  private withFreshRetry(job: Job): Job {
    const retry: Retry = job.retry.bind(job);
    job.retry = async (state, opts) => {
      // Before the job runs again: routing skips a failed event. Should the retry then be
      // refused, the reconciler routes the reopened events (accepted, with no job).
      const events = eventIdsOf(job);
      if (events.length > 0) await reopenFailedEvents(this.deps.db, events);
      // The job before the row, as the API's retry does: if Redis refuses, the row is unchanged.
      await retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true, ...opts });
      const notificationId = (job.data as { notificationId?: unknown } | undefined)?.notificationId;
      if (job.name === "send" && typeof notificationId === "string") {
        await markRetried(this.deps, notificationId, "bull-board");
      }
    };
    return job;
  }
}

/** The events a routing job (`route`, `route_group`, `fanout_page`) is about. */
function eventIdsOf(job: Job): string[] {
  if (!["route", "route_group", "fanout_page"].includes(job.name)) return [];
  const data = job.data as { eventId?: unknown; eventIds?: unknown } | undefined;
  const ids = Array.isArray(data?.eventIds) ? data.eventIds : [data?.eventId];
  return ids.filter((id): id is string => typeof id === "string");
}
