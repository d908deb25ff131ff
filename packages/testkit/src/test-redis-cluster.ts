import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisCluster } from "@herald/devstack";

export interface TestRedisCluster {
  cluster: RedisCluster;
  /** The seed nodes, comma-separated: `REDIS_URL` with `REDIS_CLUSTER=true`. */
  url: string;
  /** Stops the nodes and removes their directory. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster (3 masters, no replicas) of its own for one test file, in
 * a temporary directory. The nodes are killed if the test process exits
 * without calling `stop()`.
 */
export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "herald-cluster-"));
  const cluster = new RedisCluster({ dir });
  const emergency = () => {
    for (const pid of cluster.pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", emergency);
  try {
    await cluster.start();
  } catch (err) {
    process.off("exit", emergency);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    cluster,
    url: cluster.url,
    async stop() {
      await cluster.stop();
      process.off("exit", emergency);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
