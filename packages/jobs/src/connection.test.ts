import { freePort } from "@herald/devstack";
import { startTestRedisCluster, type TestRedisCluster } from "@herald/testkit";
import { type Job, Worker } from "bullmq";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis } from "./connection.ts";
import { QUEUE_NAMES } from "./job-catalog.ts";
import { bullQueueName } from "./queue-names.ts";
import { createQueues } from "./queues.ts";
import { isCluster, masterNodes, type RedisClient } from "./redis-client.ts";
import { checkRedisSafety } from "./redis-safety.ts";

/**
 * createRedis against a real local Redis Cluster (3 masters, separate
 * redis-server processes): the roles keep their semantics, the client finds
 * every master from one seed, and BullMQ queues work and spread over the nodes.
 */
let rc: TestRedisCluster;
const opened: RedisClient[] = [];
const open = (client: RedisClient) => {
  opened.push(client);
  client.on("error", () => {});
  return client;
};

beforeAll(async () => {
  rc = await startTestRedisCluster();
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.disconnect();
  await rc?.stop();
});

describe("createRedis with REDIS_CLUSTER", () => {
  it("gives an ioredis Cluster whose nodes carry the role's options", () => {
    const target = { url: rc.url, cluster: true };
    const producer = open(createRedis(target, "producer")) as Cluster;
    const worker = open(createRedis(target, "worker")) as Cluster;
    const subscriber = open(createRedis(target, "subscriber", { lazyConnect: true })) as Cluster;
    for (const c of [producer, worker, subscriber]) expect(c).toBeInstanceOf(Cluster);
    // Producer: nothing queued while the cluster is unreachable, one try per command.
    expect(producer.options.enableOfflineQueue).toBe(false);
    expect(producer.options.redisOptions?.maxRetriesPerRequest).toBe(1);
    expect(producer.options.redisOptions?.commandTimeout).toBe(5000);
    // Worker and subscriber: wait out outages; BullMQ reads this from redisOptions on a cluster.
    expect(worker.options.enableOfflineQueue).toBe(true);
    expect(worker.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    expect(subscriber.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    expect(subscriber.options.lazyConnect).toBe(true);
    // A plain URL, or cluster off, stays a single-node client.
    const single = open(createRedis({ url: rc.cluster.nodes[0]!.url }, "producer", { lazyConnect: true }));
    expect(single).toBeInstanceOf(Redis);
    expect(isCluster(single)).toBe(false);
  });

  it("discovers every master from one seed and routes keys to their slot's node", async () => {
    const redis = open(createRedis({ url: rc.cluster.nodes[1]!.url, cluster: true }, "producer"));
    const masters = await masterNodes(redis);
    expect(masters.map((n) => n.options.port).sort()).toEqual(
      rc.cluster.nodes.map((n) => n.options.port).sort(),
    );
    for (let i = 0; i < 30; i++) await redis.set(`spread-test:${i}`, String(i));
    const byNode = await rc.cluster.keysByNode("spread-test:*");
    expect(
      byNode.every((n) => n.keys.length > 0),
      JSON.stringify(byNode),
    ).toBe(true);
    expect(await redis.get("spread-test:7")).toBe("7");
  });

  it("fails fast as a producer when no seed answers", async () => {
    const redis = open(
      createRedis({ url: `redis://127.0.0.1:${await freePort()}`, cluster: true }, "producer"),
    );
    const started = Date.now();
    await expect(redis.set("k", "v")).rejects.toThrow(/enableOfflineQueue/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("checks maxmemory-policy and AOF on every master", async () => {
    const redis = open(createRedis({ url: rc.url, cluster: true }, "worker"));
    const report = await checkRedisSafety(redis);
    expect(report.nodes).toHaveLength(3);
    expect(report.nodes.every((n) => n.maxmemoryPolicy === "noeviction")).toBe(true);
    // The test cluster runs without AOF: one warning per master, naming it.
    expect(report.problems).toHaveLength(3);
    for (const n of report.nodes) {
      expect(report.problems.some((p) => p.includes(`AOF is off (cluster node ${n.node})`))).toBe(true);
    }
  });

  it("runs every BullMQ queue, each queue's keys on its hash tag's node, the queues on several nodes", async () => {
    const target = { url: rc.url, cluster: true };
    const producer = open(createRedis(target, "producer"));
    const connection = open(createRedis(target, "worker"));
    const prefix = "herald";
    const queues = createQueues(producer, prefix);
    const done = new Map<string, string>();
    const workers = QUEUE_NAMES.map(
      (name) =>
        new Worker(
          bullQueueName(name),
          async (job: Job) => {
            done.set(name, job.id!);
          },
          { connection, prefix },
        ),
    );
    try {
      for (const name of QUEUE_NAMES) await queues.get(name).add("probe", {}, { jobId: `probe-${name}` });
      await expect.poll(() => done.size, { timeout: 15_000 }).toBe(QUEUE_NAMES.length);

      const nodeOf = new Map<string, string>();
      for (const { url, keys } of await rc.cluster.keysByNode(`${prefix}:*`)) {
        for (const key of keys) nodeOf.set(key, url);
      }
      const nodesUsed = new Set<string>();
      for (const name of QUEUE_NAMES) {
        const keys = [...nodeOf.keys()].filter((k) => k.startsWith(`${prefix}:{${name}}:`));
        expect(keys.length, name).toBeGreaterThan(0);
        const nodes = new Set(keys.map((k) => nodeOf.get(k)!));
        expect(nodes.size, `${name}: ${keys.join(" ")}`).toBe(1);
        nodesUsed.add([...nodes][0]!);
      }
      expect(nodesUsed.size).toBeGreaterThan(1);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
    }
  });
});
