import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../src/env.ts";

const base = { DATABASE_URL: "postgres://localhost/herald", NODE_ENV: "test" };

describe("worker Redis configuration", () => {
  it("is one Redis unless REDIS_CLUSTER says otherwise", () => {
    expect(loadWorkerEnv({ ...base, REDIS_URL: "redis://localhost:6379" }).redisCluster).toBe(false);
    const env = loadWorkerEnv({ ...base, REDIS_URL: "redis://h1:7000,redis://h2:7001", REDIS_CLUSTER: "1" });
    expect([env.redisUrl, env.redisCluster]).toEqual(["redis://h1:7000,redis://h2:7001", true]);
  });

  it("refuses at start-up a bad flag or a database number on a cluster", () => {
    expect(() => loadWorkerEnv({ ...base, REDIS_URL: "redis://h1:7000", REDIS_CLUSTER: "on" })).toThrow(
      /Invalid configuration for herald worker:\n {2}- REDIS_CLUSTER: /,
    );
    expect(() => loadWorkerEnv({ ...base, REDIS_URL: "redis://h1:7000/1", REDIS_CLUSTER: "true" })).toThrow(
      /- REDIS_URL: Redis Cluster has only database 0/,
    );
  });
});
