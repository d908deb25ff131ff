import { describe, expect, it } from "vitest";
import { loadApiEnv } from "../src/env.ts";

const base = { DATABASE_URL: "postgres://localhost/herald", NODE_ENV: "test" };

describe("API Redis configuration", () => {
  it("is one Redis unless REDIS_CLUSTER says otherwise", () => {
    expect(loadApiEnv({ ...base, REDIS_URL: "redis://localhost:6379" }).REDIS_CLUSTER).toBe(false);
    const env = loadApiEnv({ ...base, REDIS_URL: "redis://h1:7000,redis://h2:7001", REDIS_CLUSTER: "true" });
    expect([env.REDIS_URL, env.REDIS_CLUSTER]).toEqual(["redis://h1:7000,redis://h2:7001", true]);
  });

  it("refuses at start-up a seed list without REDIS_CLUSTER", () => {
    expect(() => loadApiEnv({ ...base, REDIS_URL: "redis://h1:7000,redis://h2:7001" })).toThrow(
      /Invalid configuration for herald api:\n {2}- REDIS_URL: lists 2 URLs; a list of seed nodes needs REDIS_CLUSTER=true/,
    );
  });
});
