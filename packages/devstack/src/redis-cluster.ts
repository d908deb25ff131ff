import { createServer } from "node:net";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, waitFor } from "./net.ts";
import { RedisServer } from "./redis-server.ts";

const SLOTS = 16384;
/** Redis reaches its peers on `port + 10000` (the cluster bus). */
const BUS_OFFSET = 10_000;

export interface RedisClusterOptions {
  /** Each node keeps its data and `nodes.conf` in `<dir>/node-<port>`. */
  dir: string;
  /** Master nodes; the slots are split evenly between them. Default 3 (Redis' own minimum for a cluster). */
  masters?: number;
  /** AOF on every node. Default false: tests of the cluster need no durability. */
  appendonly?: boolean;
  /** How long a node may be unreachable before the others consider it failed. Default 5000 ms. */
  nodeTimeoutMs?: number;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** Free ports whose cluster-bus port is free and valid too (Redis 6.2 cannot move the bus elsewhere). */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count && tries < 200; tries++) {
    const port = await freePort();
    const taken = new Set(ports.flatMap((p) => [p, p + BUS_OFFSET]));
    if (port + BUS_OFFSET > 65_535 || taken.has(port) || taken.has(port + BUS_OFFSET)) continue;
    if (await canListen(port + BUS_OFFSET)) ports.push(port);
  }
  if (ports.length < count)
    throw new Error(`no ${count} free port pairs (port, port + 10000) for a Redis Cluster`);
  return ports;
}

function connect(port: number): Redis {
  const r = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on("error", () => {});
  return r;
}

/**
 * A Redis Cluster of `masters` local `redis-server` processes (no replicas),
 * built the way `redis-cli --cluster create` does it but with plain
 * commands, so it needs nothing but `redis-server`: every node gets an even
 * share of the 16384 slots and its own config epoch, then the first node
 * meets the others; ready once every node reports `cluster_state:ok`.
 */
export class RedisCluster {
  readonly options: RedisClusterOptions;
  private servers: RedisServer[] = [];

  constructor(options: RedisClusterOptions) {
    this.options = options;
  }

  /** The nodes' servers, in slot order (node 0 holds the lowest slots). */
  get nodes(): readonly RedisServer[] {
    return this.servers;
  }

  /** Every node as a seed, comma-separated: what `REDIS_URL` takes with `REDIS_CLUSTER=true`. */
  get url(): string {
    return this.servers.map((s) => s.url).join(",");
  }

  get pids(): number[] {
    return this.servers.flatMap((s) => (s.pid === undefined ? [] : [s.pid]));
  }

  async start(): Promise<void> {
    if (this.servers.length > 0) return;
    const masters = this.options.masters ?? 3;
    const ports = await clusterPorts(masters);
    this.servers = ports.map(
      (port) =>
        new RedisServer({
          dir: join(this.options.dir, `node-${port}`),
          port,
          appendonly: this.options.appendonly ?? false,
          extraArgs: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            String(this.options.nodeTimeoutMs ?? 5000),
          ],
        }),
    );
    try {
      await Promise.all(this.servers.map((s) => s.start()));
      await this.assemble(ports);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async assemble(ports: number[]): Promise<void> {
    const clients = ports.map(connect);
    try {
      await Promise.all(
        clients.map(async (c, i) => {
          const from = Math.floor((i * SLOTS) / ports.length);
          const to = Math.floor(((i + 1) * SLOTS) / ports.length);
          const slots = Array.from({ length: to - from }, (_, k) => from + k);
          await c.call("CLUSTER", "ADDSLOTS", ...slots);
          // Distinct epochs up front, so the nodes need not resolve a collision first.
          await c.call("CLUSTER", "SET-CONFIG-EPOCH", i + 1);
        }),
      );
      for (const port of ports.slice(1)) await clients[0]!.call("CLUSTER", "MEET", "127.0.0.1", port);
      await waitFor(
        async () => {
          const infos = await Promise.all(clients.map((c) => c.call("CLUSTER", "INFO") as Promise<string>));
          return infos.every(
            (info) =>
              info.includes("cluster_state:ok") &&
              info.includes(`cluster_known_nodes:${ports.length}\r`) &&
              info.includes(`cluster_slots_ok:${SLOTS}\r`),
          );
        },
        30_000,
        `Redis Cluster on ports ${ports.join(", ")} to report cluster_state:ok`,
      );
    } finally {
      for (const c of clients) c.disconnect();
    }
  }

  /** The keys matching `pattern` on each node (SCAN, node by node: a key lives on one node only). */
  async keysByNode(pattern = "*"): Promise<{ url: string; keys: string[] }[]> {
    return Promise.all(
      this.servers.map(async (server) => {
        const client = connect(server.options.port);
        try {
          const keys: string[] = [];
          let cursor = "0";
          do {
            const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
            keys.push(...batch);
            cursor = next;
          } while (cursor !== "0");
          return { url: server.url, keys };
        } finally {
          client.disconnect();
        }
      }),
    );
  }

  /** Stops every node (SIGTERM). Their directories stay: `dir` belongs to the caller. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
    this.servers = [];
  }
}
