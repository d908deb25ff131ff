import type { Cluster, Redis } from "ioredis";

/**
 * What {@link createRedis} returns: one Redis, or a Redis Cluster. Every
 * Herald key that a multi-key command or script touches shares a hash tag,
 * so per-key code takes either; only per-server work (CONFIG, SCAN, INFO)
 * must go through {@link masterNodes}.
 */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

function clusterReady(cluster: Cluster): Promise<void> {
  if (cluster.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => {
      cluster.off("end", onEnd);
      resolve();
    };
    const onEnd = () => {
      cluster.off("ready", onReady);
      reject(new Error("Redis Cluster connection ended"));
    };
    cluster.once("ready", onReady);
    cluster.once("end", onEnd);
  });
}

/**
 * The servers that hold data: `[client]` for one Redis, each master of a
 * cluster (known only once the cluster is connected, so this waits for it).
 */
export async function masterNodes(client: RedisClient): Promise<Redis[]> {
  if (!isCluster(client)) return [client];
  await clusterReady(client);
  return client.nodes("master");
}

/** `host:port` of a node, for messages. */
export function nodeAddress(node: Redis): string {
  return `${node.options.host ?? "127.0.0.1"}:${node.options.port ?? 6379}`;
}
