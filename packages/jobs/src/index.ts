export { createRedis, type RedisRole, type RedisTarget } from "./connection.ts";
export { ensureJobRuns } from "./ensure-job.ts";
export {
  type FrequencySlot,
  forgetFrequencySlots,
  frequencyCapKey,
  moveFrequencySlots,
  putBackFrequencySlots,
  type ReleasedSlot,
  releaseFrequencySlots,
  type SlotMove,
} from "./frequency-slots.ts";
export {
  DEFAULT_JOB_OPTIONS,
  JOBS,
  type JobData,
  type JobName,
  parseJob,
  QUEUE_NAMES,
  type QueueName,
} from "./job-catalog.ts";
export { hasCriticalLane, LANED_QUEUES, type Lane, laneFor, laneQueueName, lanesOf } from "./lanes.ts";
export {
  type DeadLetterSample,
  DeadLetterSampleSchema,
  OPS_ALERT_MAX_SAMPLES,
  OPS_ALERT_SIGNATURE_HEADERS,
  type OpsAlert,
  OpsAlertSchema,
} from "./ops-alert.ts";
export { bullQueueName, channelQueue } from "./queue-names.ts";
export {
  type CreateQueuesOptions,
  createQueues,
  defaultJobOptions,
  type JobStateOrUnknown,
  type Queues,
} from "./queues.ts";
export { isCluster, masterNodes, nodeAddress, type RedisClient } from "./redis-client.ts";
export { redisModeMismatch } from "./redis-mode.ts";
export {
  createRedisOutageLog,
  isRedisConnectionError,
  type OutageLogger,
  type RedisOutageLog,
  type RedisOutageLogOptions,
} from "./redis-outage-log.ts";
export { checkRedisSafety, type RedisNodeSafety, type RedisSafetyReport } from "./redis-safety.ts";
export { readReliabilityCounters, reliabilityCountersKey } from "./reliability-counters.ts";
export { DEFAULT_RETRY_SCHEDULE, MAX_SEND_ATTEMPTS, retryDelay } from "./retry-schedule.ts";
export { addScheduleRun, scheduleRunJobId } from "./schedule-run.ts";
export {
  STATUS_WEBHOOK_MAX_BATCH,
  type StatusChange,
  StatusChangeSchema,
  type StatusWebhook,
  StatusWebhookSchema,
} from "./status-webhook.ts";
