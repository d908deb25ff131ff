import type { Redis } from "ioredis";
import { isCluster, masterNodes, nodeAddress, type RedisClient } from "./redis-client.ts";

export interface RedisNodeSafety {
  /** `host:port` of the server. */
  node: string;
  maxmemoryPolicy: string | null;
  appendonly: string | null;
}

export interface RedisSafetyReport {
  /** The first server's setting (one Redis: the only one); every server's is in `nodes`. */
  maxmemoryPolicy: string | null;
  appendonly: string | null;
  /** One entry per server that holds data: the Redis, or each master of a cluster. */
  nodes: RedisNodeSafety[];
  problems: string[];
}

async function readNode(node: Redis): Promise<RedisNodeSafety> {
  const policy = (await node.config("GET", "maxmemory-policy")) as string[];
  const aof = (await node.config("GET", "appendonly")) as string[];
  return { node: nodeAddress(node), maxmemoryPolicy: policy[1] ?? null, appendonly: aof[1] ?? null };
}

/**
 * BullMQ loses jobs if Redis evicts keys, and a restart without AOF loses
 * whatever was not snapshotted. CONFIG is per server, so on a cluster every
 * master is asked (one evicting shard loses its queues' jobs). Managed Redis
 * often forbids CONFIG GET; then we say so rather than guess.
 */
export async function checkRedisSafety(redis: RedisClient): Promise<RedisSafetyReport> {
  const report: RedisSafetyReport = { maxmemoryPolicy: null, appendonly: null, nodes: [], problems: [] };
  try {
    report.nodes = await Promise.all((await masterNodes(redis)).map(readNode));
  } catch (err) {
    report.problems.push(
      `could not read Redis config (${(err as Error).message}); make sure maxmemory-policy is noeviction`,
    );
    return report;
  }
  report.maxmemoryPolicy = report.nodes[0]?.maxmemoryPolicy ?? null;
  report.appendonly = report.nodes[0]?.appendonly ?? null;
  const where = (n: RedisNodeSafety) => (isCluster(redis) ? ` (cluster node ${n.node})` : "");
  for (const n of report.nodes) {
    if (n.maxmemoryPolicy !== "noeviction") {
      report.problems.push(
        `Redis maxmemory-policy is "${n.maxmemoryPolicy}"${where(n)}: queued notifications can be evicted and lost. Set it to noeviction.`,
      );
    }
    if (n.appendonly !== "yes") {
      report.problems.push(
        `Redis AOF is off${where(n)}: a Redis restart can lose recently queued jobs. Enable appendonly yes.`,
      );
    }
  }
  return report;
}
