import { Redis, type RedisOptions } from "ioredis";

/**
 * - `producer` (API): commands fail at once while Redis is unreachable, so a
 *   request answers 503 instead of hanging and nothing is half-written.
 * - `worker`: blocking commands, retries forever with capped backoff, as
 *   BullMQ requires (`maxRetriesPerRequest: null`).
 * - `subscriber`: pub/sub (inbox fan-out), reconnects forever.
 */
export type RedisRole = "producer" | "worker" | "subscriber";

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    lazyConnect: false,
    retryStrategy: (times) => Math.min(200 * times, 5000),
    // Reconnect after failover when a replica becomes read-only.
    reconnectOnError: (err) => err.message.startsWith("READONLY"),
  };
  const byRole: Record<RedisRole, RedisOptions> = {
    producer: {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 5000,
    },
    worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
    subscriber: { maxRetriesPerRequest: null },
  };
  return new Redis(url, { ...common, ...byRole[role], ...extra });
}
