import { redisSeedUrls } from "@herald/config";
import { Redis } from "ioredis";
import type { RedisTarget } from "./connection.ts";

/**
 * Whether `REDIS_CLUSTER` matches the server `REDIS_URL` names: a Cluster
 * client against a plain Redis retries CLUSTER SLOTS forever, and a plain
 * client against a cluster node fails every command for a key on another
 * node (MOVED) — neither says what is wrong. Asks the first seed once
 * (`INFO cluster`) and returns what to fix, or null when the mode matches or
 * the server cannot be asked now (an unreachable Redis is waited for as usual).
 */
export async function redisModeMismatch(target: RedisTarget, timeoutMs = 2000): Promise<string | null> {
  const seed = target.cluster ? redisSeedUrls(target.url)[0] : target.url;
  if (!seed) return null;
  const probe = new Redis(seed, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    const info = await probe.info("cluster");
    const enabled = /cluster_enabled:1/.test(info);
    const where = new URL(seed).host;
    if (target.cluster && !enabled)
      return `REDIS_CLUSTER=true, but ${where} is a plain Redis (cluster_enabled:0). Unset REDIS_CLUSTER, or point REDIS_URL at the cluster's nodes.`;
    if (!target.cluster && enabled)
      return `${where} is a Redis Cluster node (cluster_enabled:1). Set REDIS_CLUSTER=true and list a few of its nodes in REDIS_URL.`;
    return null;
  } catch {
    return null;
  } finally {
    probe.disconnect();
  }
}
