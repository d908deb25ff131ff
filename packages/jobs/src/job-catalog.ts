import { CHANNELS } from "@herald/domain";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";

// Payloads carry ids only: no e-mail addresses, phone numbers or message
// bodies sit in Redis, and a worker always acts on the current row.
const notificationId = z.string().startsWith("ntf_");
/**
 * Set by the worker, not the producer: the job's `attemptsMade` when a run
 * was put back for a PostgreSQL outage, so that the next run reads the
 * provider requests it left noted (the worker's `markPutBack`).
 */
const putBackAt = z.number().int().min(0).optional();
const sendJobs = {
  /** One notification (job id = its id). */
  send: z.object({
    notificationId,
    /** Attempts its `send_batch` job already made for it: a batch hands a transient failure over to a job of its own. */
    priorAttempts: z.number().int().min(1).optional(),
    /** Worker-set: see `putBackAt` above. */
    putBackAt,
  }),
  /**
   * Notifications of one channel and priority routed together (job id =
   * their `send_job` stamp, `snd_…`): loaded, sent and recorded together.
   */
  send_batch: z.object({
    notificationIds: z.array(notificationId).min(1).max(1000),
    /**
     * Attempts already made for these rows: a batch hands the sends that
     * failed for now to one retry batch (job id `<batch>-a<attempt>-<hash>`).
     */
    priorAttempts: z.number().int().min(1).optional(),
    /** Worker-set: see `putBackAt` above. */
    putBackAt,
  }),
};

const channelJobs = Object.fromEntries(CHANNELS.map((c) => [c, sendJobs])) as {
  [C in (typeof CHANNELS)[number]]: typeof sendJobs;
};

/** Every queue, its job names and each job's payload schema. */
export const JOBS = {
  events: {
    route: z.object({ eventId: z.string().startsWith("evt_") }),
    /**
     * Events accepted together (one batch request, or single POSTs grouped
     * by the API), routed by one job whose id (`grp_…`) each event records
     * in `events.route_job`. One job and one set of shared statements for
     * up to 1,000 events, instead of a job and small statements each.
     */
    route_group: z.object({
      eventIds: z.array(z.string().startsWith("evt_")).min(1).max(1000),
    }),
    /**
     * One page of a topic event's fan-out (job id `<eventId>-p<page>`). The
     * page's bounds are stored with the event; `cursor` (the recipient id the
     * page starts after, null for the first) is there for people reading Bull Board.
     */
    fanout_page: z.object({
      eventId: z.string().startsWith("evt_"),
      page: z.number().int().min(0),
      cursor: z.string().startsWith("usr_").nullable(),
    }),
  },
  ...channelJobs,
  dead_letter: {
    dead: z.object({
      notificationId: z.string().startsWith("ntf_"),
      channel: z.enum(CHANNELS),
      error: z.string().max(2000),
      attempts: z.number().int(),
    }),
    /** Sends the ops alert for the dead letters gathered since the last one. */
    alert: z.object({}),
  },
  maintenance: {
    /** Re-enqueues rows whose job was lost (crash between commit and enqueue). */
    reconcile: z.object({}),
    /** Retention: purges rows older than RETENTION_DAYS (scheduler id `retention`). */
    purge: z.object({}),
    /** Analyzes tables autovacuum skips once they changed enough (scheduler id `analyze`). */
    analyze: z.object({}),
  },
  digest: {
    /** Folds a digest window's items into its one notification (job id = digest id). */
    flush: z.object({ digestId: z.string().startsWith("dig_") }),
    /** Periodic: flushes due windows whose flush job was lost; purges expired dedup keys. */
    sweep: z.object({}),
    /** Moves a recipient's open windows to the time their preferences now give (the API, on a change). */
    reschedule: z.object({ recipientId: z.string().startsWith("usr_") }),
    /**
     * One run of a recurring schedule, delayed until `runAt` (epoch ms; job id
     * `<sch id>-<runAt>`). It does something only while `runAt` is still the
     * schedule's next run, so a duplicate or a retry creates nothing twice.
     */
    schedule_run: z.object({ scheduleId: z.string().startsWith("sch_"), runAt: z.number().int().min(0) }),
    /** Periodic: re-adds the run jobs of schedules overdue by more than a minute (lost by Redis or a crash). */
    schedule_sweep: z.object({}),
  },
} as const;

export type QueueName = keyof typeof JOBS;
export type JobName<Q extends QueueName> = keyof (typeof JOBS)[Q] & string;
export type JobData<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof JOBS)[Q][N]>;

export const QUEUE_NAMES = Object.keys(JOBS) as QueueName[];

/**
 * Defaults per queue. Channel queues get `attempts` from the channel's retry
 * schedule when the router enqueues. Completed jobs are trimmed (the database
 * is the record); failed ones stay a week for Bull Board.
 */
export const DEFAULT_JOB_OPTIONS = {
  events: {
    attempts: 8,
    backoff: { type: "exponential", delay: 500 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 86_400 },
  },
  channel: {
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 86_400 },
  },
  /**
   * A `send_batch` job's own retries are for its infrastructure (Redis,
   * PostgreSQL): sends that fail go on in a retry batch (or a `send` job of
   * their own) that follows the channel's retry schedule.
   */
  sendBatch: {
    attempts: 8,
    backoff: { type: "exponential", delay: 500 },
  },
  dead_letter: {
    attempts: 10,
    backoff: { type: "exponential", delay: 1000 },
    removeOnComplete: { age: 30 * 86_400 },
    removeOnFail: { age: 30 * 86_400 },
  },
  maintenance: {
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  },
  digest: {
    attempts: 10,
    backoff: { type: "exponential", delay: 1000 },
    removeOnComplete: { age: 86_400, count: 10_000 },
    removeOnFail: { age: 7 * 86_400 },
  },
} as const;

/**
 * Validates a job's payload against the catalog. A payload that does not
 * parse can never succeed, so it fails without retries.
 */
export function parseJob<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: N,
  data: unknown,
): JobData<Q, N> {
  const schema = (JOBS[queue] as Record<string, z.ZodType>)[name];
  if (!schema) throw new UnrecoverableError(`unknown job ${queue}/${name}`);
  const result = schema.safeParse(data);
  if (!result.success) throw new UnrecoverableError(`bad ${queue}/${name} payload: ${result.error.message}`);
  return result.data as JobData<Q, N>;
}
