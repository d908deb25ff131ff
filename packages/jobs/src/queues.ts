import { CHANNELS } from "@herald/domain";
import { type Job, type JobsOptions, Queue } from "bullmq";
import {
  DEFAULT_JOB_OPTIONS,
  JOBS,
  type JobData,
  type JobName,
  QUEUE_NAMES,
  type QueueName,
} from "./job-catalog.ts";
import { hasCriticalLane, LANED_QUEUES, type Lane, laneFor, laneQueueName, lanesOf } from "./lanes.ts";
import { bullQueueName } from "./queue-names.ts";
import type { RedisClient } from "./redis-client.ts";

export interface Queues {
  readonly prefix: string;
  /** The queue's normal lane, or the lane asked for (a queue without lanes has only its normal one). */
  get(queue: QueueName, lane?: Lane): Queue;
  /** Every lane of the queue: the normal one first. */
  lanes(queue: QueueName): Queue[];
  /** Every BullMQ queue, lanes included (Bull Board lists them all). */
  all(): Queue[];
  /**
   * Job `id` of `queue`, looked for in the lane a job of this priority goes
   * to first and then in the other (a job enqueued before lanes existed, or
   * by hand in Bull Board). Undefined when neither has it.
   */
  find(queue: QueueName, id: string, priority?: number): Promise<Job | undefined>;
  /**
   * The state of job `id` and the lane queue holding it, looked for as `find`
   * does; when neither lane has it, the lane a job of this priority would go
   * to, with state "unknown".
   */
  locate(
    queue: QueueName,
    id: string,
    priority?: number,
  ): Promise<{ queue: Queue; state: JobStateOrUnknown }>;
  /**
   * Removes job `id` from every lane of `queue`, for a caller tidying up after
   * the row it served was canceled: a job that is running (locked) or gone
   * is left be, since its processor finds the row canceled.
   */
  removeEverywhere(queue: QueueName, id: string): Promise<void>;
  /** Adds to the lane of `opts.priority` (critical jobs of laned queues wait apart). */
  add<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    data: JobData<Q, N>,
    opts?: JobsOptions,
  ): Promise<void>;
  /** As `add`, each job to its lane. */
  addBulk<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    jobs: { name: N; data: JobData<Q, N>; opts?: JobsOptions }[],
  ): Promise<void>;
  close(): Promise<void>;
}

export type JobStateOrUnknown = Awaited<ReturnType<Queue["getJobState"]>>;

/** The catalog's defaults for `queue` (a job's own options win over them). */
export function defaultJobOptions(queue: QueueName): JobsOptions {
  if ((CHANNELS as readonly string[]).includes(queue)) return { ...DEFAULT_JOB_OPTIONS.channel };
  return { ...DEFAULT_JOB_OPTIONS[queue as Exclude<QueueName, (typeof CHANNELS)[number]>] };
}

export interface CreateQueuesOptions {
  /**
   * Queues whose critical jobs this producer adds to their critical lane
   * (default: every queue that has one, `LANED_QUEUES`). The worker leaves out
   * rate-limited channels; see `laneFor`. Lookups search both lanes whatever this says.
   */
  criticalLanes?: readonly QueueName[];
}

/**
 * One `Queue` per lane of each catalog queue, sharing one connection. Payloads are
 * validated before they reach Redis. Each queue carries the catalog's default
 * job options, so e.g. a `route` job gets its retries whoever enqueues it.
 */
export function createQueues(
  connection: RedisClient,
  prefix: string,
  options: CreateQueuesOptions = {},
): Queues {
  const criticalLanes = options.criticalLanes ?? LANED_QUEUES;
  const queues = new Map<string, Queue>();
  const open = (name: QueueName, lane: Lane) => {
    const queue = new Queue(bullQueueName(laneQueueName(name, lane)), {
      connection,
      prefix,
      defaultJobOptions: defaultJobOptions(name),
    });
    // Without a listener BullMQ prints every connection error to stderr; the
    // connection's owner logs them once already.
    queue.on("error", () => {});
    queues.set(laneQueueName(name, lane), queue);
  };
  for (const name of QUEUE_NAMES) for (const lane of lanesOf(name)) open(name, lane);
  const get = (q: QueueName, lane: Lane = "normal") =>
    queues.get(laneQueueName(q, hasCriticalLane(q) ? lane : "normal"))!;
  const lanes = (q: QueueName) => lanesOf(q).map((lane) => get(q, lane));
  /** The lane a job of this priority goes to first, then the other. */
  const lookupOrder = (q: QueueName, priority: number | undefined) =>
    laneFor(q, priority, criticalLanes) === "critical" ? lanes(q).reverse() : lanes(q);
  const check = (queue: QueueName, name: string, data: unknown) => {
    (JOBS[queue] as Record<string, { parse(d: unknown): unknown }>)[name]!.parse(data);
  };
  return {
    prefix,
    get,
    lanes,
    all: () => [...queues.values()],
    async find(queue, id, priority) {
      for (const q of lookupOrder(queue, priority)) {
        const job = await q.getJob(id);
        if (job) return job;
      }
      return undefined;
    },
    async locate(queue, id, priority) {
      const order = lookupOrder(queue, priority);
      for (const q of order) {
        const state = await q.getJobState(id);
        if (state !== "unknown") return { queue: q, state };
      }
      return { queue: order[0]!, state: "unknown" };
    },
    async removeEverywhere(queue, id) {
      await Promise.all(lanes(queue).map((q) => q.remove(id).catch(() => 0)));
    },
    async add(queue, name, data, opts) {
      check(queue, name, data);
      await get(queue, laneFor(queue, opts?.priority, criticalLanes)).add(name, data, opts);
    },
    async addBulk(queue, jobs) {
      if (jobs.length === 0) return;
      for (const j of jobs) check(queue, j.name, j.data);
      const byLane = new Map<Lane, typeof jobs>();
      for (const j of jobs) {
        const lane = laneFor(queue, j.opts?.priority, criticalLanes);
        const list = byLane.get(lane);
        if (list) list.push(j);
        else byLane.set(lane, [j]);
      }
      await Promise.all(
        [...byLane].map(([lane, list]) =>
          get(queue, lane).addBulk(
            list.map((j) => ({ name: j.name, data: j.data, ...(j.opts ? { opts: j.opts } : {}) })),
          ),
        ),
      );
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
