import {
  booleanFlag,
  commaList,
  durationList,
  durationMs,
  parseEnv,
  portNumber,
  redisEnvShape,
  refineRedisEnv,
  requiredInProduction,
} from "@herald/config";
import { DEFAULT_PLAN_CACHE_MODE, PLAN_CACHE_MODES, type PlanCacheMode } from "@herald/db";
import { CHANNELS, type Channel } from "@herald/domain";
import { DEFAULT_RETRY_SCHEDULE, MAX_SEND_ATTEMPTS, type QueueName } from "@herald/jobs";
import { z } from "zod";
import { type TrackingEnv, trackingEnv, trackingEnvFragment } from "./env-tracking.ts";
import { type ProviderEnv, pickProviderEnv, providerEnvShape } from "./providers/provider-env.ts";
import { type RateLimitSetting, rateLimitSetting } from "./rate-limit-setting.ts";
import { type ReliabilityEnv, reliabilityEnvSchema, toReliabilityEnv } from "./reliability-env.ts";
import { type PolicyEnv, policyEnv, policyEnvShape } from "./router/policy-env.ts";
import {
  refineStatusWebhookEnv,
  type StatusWebhookEnv,
  statusWebhookEnvShape,
  toStatusWebhookEnv,
} from "./status-webhooks/status-webhook-env.ts";

/** Queues a worker process can serve (`WORKER_CHANNELS`). */
export const WORKER_QUEUES = [
  "events",
  ...CHANNELS,
  "dead_letter",
  "maintenance",
  "digest",
] as const satisfies readonly QueueName[];
export type WorkerQueue = (typeof WORKER_QUEUES)[number];

const DEFAULT_CONCURRENCY: Record<WorkerQueue, number> = {
  events: 64,
  email: 64,
  sms: 64,
  push: 64,
  in_app: 64,
  dead_letter: 4,
  maintenance: 1,
  digest: 4,
};

const upper = (q: string) => q.toUpperCase();

const perQueue = Object.fromEntries(
  WORKER_QUEUES.flatMap((q) => [
    [`${upper(q)}_CONCURRENCY`, z.coerce.number().int().min(1).max(1000).default(DEFAULT_CONCURRENCY[q])],
  ]),
);
/** A retry schedule: one wait per attempt, the first usually 0. */
const retrySchedule = () =>
  durationList().refine((list) => list.length <= MAX_SEND_ATTEMPTS, {
    message: `at most ${MAX_SEND_ATTEMPTS} attempts`,
  });
const perChannel = Object.fromEntries(
  CHANNELS.flatMap((c) => [
    [`${upper(c)}_RATE_LIMIT`, rateLimitSetting.optional()],
    [`${upper(c)}_RETRY_SCHEDULE`, retrySchedule().optional()],
  ]),
);

const base = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().startsWith("postgres", "must be a postgres:// URL"),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}-]+$/)
    .default("herald"),
  /** Queues this process serves, e.g. `email,sms`. Default: all of them. */
  WORKER_CHANNELS: commaList(WORKER_QUEUES).default([...WORKER_QUEUES]),
  /**
   * Lanes this process serves: `all`, `normal` (queues without lanes, and
   * the normal lane of those with one) or `critical` (only the critical lanes
   * of its queues): a process of its own for critical work.
   */
  WORKER_LANES: z.enum(["all", "normal", "critical"]).default("all"),
  /**
   * In a `WORKER_LANES=normal` process: how long a critical lane's first job
   * may wait with nobody taking it before this process serves the lane too
   * (until it is empty); a lane whose job in hand lost its lock is served at
   * once. `0`: never.
   */
  CRITICAL_LANE_FALLBACK_MS: z.coerce.number().int().min(0).default(2000),
  /** Wait before each attempt: immediately, +1 min, +5 min, +30 min, then dead-letter. */
  RETRY_SCHEDULE: retrySchedule().default([...DEFAULT_RETRY_SCHEDULE]),
  /** How long SIGTERM waits for in-flight sends before exiting. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /**
   * Where providers and browsers reach the API: links in messages
   * (unsubscribe, tracking) and Twilio's status callbacks. Default
   * `http://localhost:$PORT`, as the API's, so one `PORT` in a shared
   * environment sets both; the worker itself listens on no `PORT`.
   */
  PUBLIC_URL: z.url().optional(),
  /** The API's port, read only for PUBLIC_URL's default. Default 3000. */
  PORT: portNumber(3000),
  BRAND_NAME: z.string().default("Herald"),
  /**
   * Connections in the worker's pool (the SENT writer has 2 more). Default 6.
   * More connections than the database has cores make statements contend
   * and wake more processes; with few, postgres.js pipelines statements on
   * busy connections, except on one a transaction holds (fan-out planning,
   * digests, ANALYZE), hence a little more than the API's 4. See
   * docs/benchmarks.md ("What changed for speed") for the measurements against 20.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(6),
  /** PostgreSQL `plan_cache_mode` of the pools (see `createDb`): `auto` unless set. */
  DATABASE_PLAN_CACHE_MODE: z.enum(PLAN_CACHE_MODES).default(DEFAULT_PLAN_CACHE_MODE),
  /** How often one worker analyzes the tables autovacuum skips (see `analyzeStaleTables`); `0` never. */
  DATABASE_ANALYZE_INTERVAL: durationMs("10s"),
  MIGRATE_ON_START: booleanFlag(true),
  /** Subscribers per fan-out page job of a topic event. */
  FANOUT_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Fan-out pages one process works on at once (each holds a page of rendered rows in memory). */
  FANOUT_PAGE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Route groups (events accepted together, up to 1,000) one process routes at once; critical ones are not held back. */
  ROUTE_GROUP_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Most notifications one `send_batch` job carries; 1 gives every notification a `send` job of its own. */
  SEND_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** Critical jobs one process runs at once per routing or channel queue, in that queue's critical lane. */
  CRITICAL_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
});

const schema = base
  .extend(redisEnvShape)
  .extend(perQueue)
  .extend(perChannel)
  .extend(policyEnvShape)
  .extend(providerEnvShape)
  .extend(trackingEnvFragment)
  .extend(reliabilityEnvSchema.shape)
  .extend(statusWebhookEnvShape)
  .superRefine(
    requiredInProduction({
      UNSUBSCRIBE_SECRET: "the API needs the same value",
      TRACKING_SECRET: "at least 32 characters; the API needs the same value",
      PUBLIC_URL:
        "how providers, browsers and mail clients reach the API: Twilio callbacks, tracking and unsubscribe links; its default is localhost",
    }),
  )
  .superRefine(refineRedisEnv)
  .superRefine(refineStatusWebhookEnv);

type Parsed = z.infer<typeof base> &
  z.infer<z.ZodObject<typeof redisEnvShape>> &
  z.infer<z.ZodObject<typeof policyEnvShape>> &
  z.infer<typeof reliabilityEnvSchema> &
  z.infer<z.ZodObject<typeof statusWebhookEnvShape>>;

export interface WorkerEnv extends TrackingEnv {
  nodeEnv: Parsed["NODE_ENV"];
  databaseUrl: string;
  /** `REDIS_URL`: one URL, or the cluster's seed nodes comma-separated. */
  redisUrl: string;
  /** `REDIS_CLUSTER` (default false): `redisUrl` names a Redis Cluster. */
  redisCluster: boolean;
  queuePrefix: string;
  queues: WorkerQueue[];
  concurrency: Record<WorkerQueue, number>;
  rateLimit: Partial<Record<Channel, RateLimitSetting>>;
  retrySchedule: Record<Channel, number[]>;
  shutdownTimeoutMs: number;
  publicUrl: string;
  brandName: string;
  databasePoolSize: number;
  databasePlanCacheMode: PlanCacheMode;
  /**
   * `DATABASE_ANALYZE_INTERVAL` in ms (default 10 s; 0 = off): how often one
   * worker runs ANALYZE on Herald's tables that autovacuum skips (off for the
   * server or the table) once 50 rows + 10% of them changed, so plans kept by
   * `plan_cache_mode = auto` are made again as the tables grow.
   */
  analyzeIntervalMs: number;
  migrateOnStart: boolean;
  /** Topic fan-out: subscribers per page job (default 500) and pages in flight per process (default 2). */
  fanout: { pageSize: number; concurrency: number };
  /**
   * `ROUTE_GROUP_CONCURRENCY` (default 4): full route groups routed at once per
   * process. A group weighs its events, up to the 250 routed at a time, so
   * this bounds the events in routing (4 × 250) and smaller groups, as single
   * POSTs make them, run many at once. Critical groups do not wait.
   */
  routeGroupConcurrency: number;
  /**
   * `CRITICAL_CONCURRENCY` (default 16): jobs one process runs at once from
   * each critical lane (`events_critical`, `email_critical`…), apart from the
   * queue's own concurrency, so a critical job never waits for a slot held by
   * normal work.
   */
  criticalConcurrency: number;
  /** `WORKER_LANES` (default `all`): `normal` or `critical` to serve only those lanes. */
  lanes: "all" | "normal" | "critical";
  /**
   * `CRITICAL_LANE_FALLBACK_MS` (default 2,000; `0` never): a `normal` process
   * serves a critical lane whose first job waited this long untaken, or whose
   * job in hand lost its lock, so critical work goes on without its process
   * (see `startCriticalStandby`).
   */
  criticalFallbackMs: number;
  /**
   * `SEND_BATCH_SIZE` (default 100): notifications of one channel and priority
   * routed together are sent by one `send_batch` job of up to this many. A
   * rate-limited channel batches only where its provider takes a batch in one
   * request (BullMQ's limiter counts jobs): see `assignSendBatches`.
   */
  sendBatchSize: number;
  /** Dedup, frequency caps, quiet-hour channels, unsubscribe secret, digest sweep (router/policy-env.ts). */
  policy: PolicyEnv;
  /** Provider choice and credentials (SPEC §6), validated. */
  providers: ProviderEnv;
  /** Health server, crash recovery, reconciler and ops alerts. */
  reliability: ReliabilityEnv;
  /** Outbound status webhooks (`STATUS_WEBHOOK_*`); `url` null when off. */
  statusWebhooks: StatusWebhookEnv;
  /** The raw variables, for provider configuration. */
  raw: Record<string, string | undefined>;
}

export function loadWorkerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const e = parseEnv(schema, source, "herald worker") as Parsed & Record<string, unknown>;
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisCluster: e.REDIS_CLUSTER,
    queuePrefix: e.QUEUE_PREFIX,
    queues: e.WORKER_CHANNELS,
    concurrency: Object.fromEntries(
      WORKER_QUEUES.map((q) => [q, e[`${upper(q)}_CONCURRENCY`] as number]),
    ) as Record<WorkerQueue, number>,
    rateLimit: Object.fromEntries(
      CHANNELS.filter((c) => e[`${upper(c)}_RATE_LIMIT`]).map((c) => [c, e[`${upper(c)}_RATE_LIMIT`]]),
    ) as WorkerEnv["rateLimit"],
    retrySchedule: Object.fromEntries(
      CHANNELS.map((c) => [c, (e[`${upper(c)}_RETRY_SCHEDULE`] as number[] | undefined) ?? e.RETRY_SCHEDULE]),
    ) as Record<Channel, number[]>,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    brandName: e.BRAND_NAME,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePlanCacheMode: e.DATABASE_PLAN_CACHE_MODE,
    analyzeIntervalMs: e.DATABASE_ANALYZE_INTERVAL as number,
    migrateOnStart: e.MIGRATE_ON_START,
    fanout: { pageSize: e.FANOUT_PAGE_SIZE, concurrency: e.FANOUT_PAGE_CONCURRENCY },
    routeGroupConcurrency: e.ROUTE_GROUP_CONCURRENCY,
    criticalConcurrency: e.CRITICAL_CONCURRENCY,
    lanes: e.WORKER_LANES,
    criticalFallbackMs: e.CRITICAL_LANE_FALLBACK_MS,
    sendBatchSize: e.SEND_BATCH_SIZE,
    policy: policyEnv(e),
    providers: pickProviderEnv(e),
    reliability: toReliabilityEnv(e),
    statusWebhooks: toStatusWebhookEnv(e),
    raw: source,
    ...trackingEnv(e),
  };
}
