import { CHANNELS } from "@herald/domain";
import { type JobsOptions, Queue } from "bullmq";
import {
  DEFAULT_JOB_OPTIONS,
  JOBS,
  type JobData,
  type JobName,
  QUEUE_NAMES,
  type QueueName,
} from "./job-catalog.ts";
import { bullQueueName } from "./queue-names.ts";
import type { RedisClient } from "./redis-client.ts";

export interface Queues {
  readonly prefix: string;
  get(queue: QueueName): Queue;
  all(): Queue[];
  add<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    data: JobData<Q, N>,
    opts?: JobsOptions,
  ): Promise<void>;
  addBulk<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    jobs: { name: N; data: JobData<Q, N>; opts?: JobsOptions }[],
  ): Promise<void>;
  close(): Promise<void>;
}

/** The catalog's defaults for `queue` (a job's own options win over them). */
export function defaultJobOptions(queue: QueueName): JobsOptions {
  if ((CHANNELS as readonly string[]).includes(queue)) return { ...DEFAULT_JOB_OPTIONS.channel };
  return { ...DEFAULT_JOB_OPTIONS[queue as Exclude<QueueName, (typeof CHANNELS)[number]>] };
}

/**
 * One `Queue` per catalog queue, sharing one connection. Payloads are
 * validated before they reach Redis. Each queue carries the catalog's default
 * job options, so e.g. a `route` job gets its retries whoever enqueues it.
 */
export function createQueues(connection: RedisClient, prefix: string): Queues {
  const queues = new Map<QueueName, Queue>();
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(bullQueueName(name), {
      connection,
      prefix,
      defaultJobOptions: defaultJobOptions(name),
    });
    // Without a listener BullMQ prints every connection error to stderr; the
    // connection's owner logs them once already.
    queue.on("error", () => {});
    queues.set(name, queue);
  }
  const get = (q: QueueName) => queues.get(q)!;
  const check = (queue: QueueName, name: string, data: unknown) => {
    (JOBS[queue] as Record<string, { parse(d: unknown): unknown }>)[name]!.parse(data);
  };
  return {
    prefix,
    get,
    all: () => [...queues.values()],
    async add(queue, name, data, opts) {
      check(queue, name, data);
      await get(queue).add(name, data, opts);
    },
    async addBulk(queue, jobs) {
      if (jobs.length === 0) return;
      for (const j of jobs) check(queue, j.name, j.data);
      await get(queue).addBulk(
        jobs.map((j) => ({ name: j.name, data: j.data, ...(j.opts ? { opts: j.opts } : {}) })),
      );
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
