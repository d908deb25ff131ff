import { freePort } from "@herald/devstack";
import { startTestRedisCluster, type TestRedisCluster, testRedisUrl } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisModeMismatch } from "./redis-mode.ts";

let rc: TestRedisCluster;
beforeAll(async () => {
  rc = await startTestRedisCluster();
}, 60_000);
afterAll(() => rc?.stop());

describe("redisModeMismatch (REDIS_CLUSTER against the server REDIS_URL names)", () => {
  it("accepts a plain Redis without REDIS_CLUSTER and a cluster with it", async () => {
    expect(await redisModeMismatch({ url: testRedisUrl(), cluster: false })).toBeNull();
    expect(await redisModeMismatch({ url: rc.url, cluster: true })).toBeNull();
  });

  it("names the fix when the mode is the other one", async () => {
    expect(await redisModeMismatch({ url: testRedisUrl(), cluster: true })).toMatch(
      /REDIS_CLUSTER=true, but .* is a plain Redis \(cluster_enabled:0\)/,
    );
    const node = rc.url.split(",")[0]!;
    expect(await redisModeMismatch({ url: node, cluster: false })).toMatch(
      /is a Redis Cluster node \(cluster_enabled:1\)\. Set REDIS_CLUSTER=true/,
    );
  });

  it("says nothing about a Redis it cannot reach (start-up waits for it as usual)", async () => {
    const port = await freePort();
    expect(await redisModeMismatch({ url: `redis://127.0.0.1:${port}`, cluster: true }, 500)).toBeNull();
  });
});
