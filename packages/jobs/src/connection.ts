import { redisSeedUrls } from "@herald/config";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import type { RedisClient } from "./redis-client.ts";

/**
 * - `producer` (API): commands fail at once while Redis is unreachable, so a
 *   request answers 503 instead of hanging and nothing is half-written.
 * - `worker`: blocking commands, retries forever with capped backoff, as
 *   BullMQ requires (`maxRetriesPerRequest: null`).
 * - `subscriber`: pub/sub (inbox fan-out), reconnects forever.
 */
export type RedisRole = "producer" | "worker" | "subscriber";

/** Where Herald's Redis is (`REDIS_URL`, `REDIS_CLUSTER`). */
export interface RedisTarget {
  /** One `redis://`/`rediss://` URL; with `cluster`, one or more seed nodes, comma-separated. */
  url: string;
  /** Connect with ioredis' `Cluster` client, discovering the nodes from the seeds. Default false. */
  cluster?: boolean;
}

const backoff = (times: number) => Math.min(200 * times, 5000);

const BY_ROLE: Record<RedisRole, RedisOptions> = {
  producer: {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 5000,
  },
  worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
  subscriber: { maxRetriesPerRequest: null },
};

const COMMON: RedisOptions = {
  lazyConnect: false,
  retryStrategy: backoff,
  // Reconnect after failover when a replica becomes read-only.
  reconnectOnError: (err) => err.message.startsWith("READONLY"),
};

/**
 * The role's options split between the Cluster (connecting, offline queue,
 * its own retry) and every node connection (`redisOptions`), where BullMQ
 * looks for `maxRetriesPerRequest` on a cluster. Credentials and TLS come
 * from the first seed: the config check makes every seed agree on them.
 */
function clusterOptions(seed: URL, role: RedisRole, extra: RedisOptions): ClusterOptions {
  const {
    lazyConnect = false,
    enableOfflineQueue = true,
    // Node connections take no retryStrategy: the Cluster reconnects them (clusterRetryStrategy).
    retryStrategy: _perNode,
    ...node
  } = { ...COMMON, ...BY_ROLE[role], ...extra };
  return {
    lazyConnect,
    enableOfflineQueue,
    enableReadyCheck: true,
    // No seed reachable: keep trying, like a single Redis does.
    clusterRetryStrategy: backoff,
    redisOptions: {
      ...node,
      ...(seed.username ? { username: decodeURIComponent(seed.username) } : {}),
      ...(seed.password ? { password: decodeURIComponent(seed.password) } : {}),
      ...(seed.protocol === "rediss:" ? { tls: {} } : {}),
    },
  };
}

/**
 * Herald's Redis connection for `role`. A plain URL string is always one
 * Redis; a {@link RedisTarget} with `cluster: true` gives an ioredis `Cluster`
 * (BullMQ and every Herald key accept either: see {@link RedisClient}).
 */
export function createRedis(target: string, role: RedisRole, extra?: RedisOptions): Redis;
export function createRedis(target: RedisTarget, role: RedisRole, extra?: RedisOptions): RedisClient;
export function createRedis(
  target: string | RedisTarget,
  role: RedisRole,
  extra: RedisOptions = {},
): RedisClient {
  const { url, cluster = false } = typeof target === "string" ? { url: target } : target;
  if (!cluster) return new Redis(url, { ...COMMON, ...BY_ROLE[role], ...extra });
  const seeds = redisSeedUrls(url).map((s) => new URL(s));
  if (seeds.length === 0) throw new Error("REDIS_URL names no Redis Cluster seed node");
  return new Cluster(
    seeds.map((s) => ({ host: s.hostname.replace(/^\[|\]$/g, ""), port: Number(s.port || 6379) })),
    clusterOptions(seeds[0]!, role, extra),
  );
}
