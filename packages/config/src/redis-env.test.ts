import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv } from "./parse-env.ts";
import { redisEnvShape, refineRedisEnv } from "./redis-env.ts";

// Built the way the apps build theirs: a base, the shared shape, the cross-check.
const schema = z
  .object({ PORT: z.coerce.number().default(3000) })
  .extend(redisEnvShape)
  .superRefine(refineRedisEnv);
const parse = (env: Record<string, string>) => parseEnv(schema, env, "test");

describe("REDIS_URL and REDIS_CLUSTER", () => {
  it("defaults to one Redis", () => {
    expect(parse({ REDIS_URL: "redis://127.0.0.1:6379" })).toMatchObject({ REDIS_CLUSTER: false });
  });

  it("takes a comma-separated seed list for a cluster", () => {
    expect(parse({ REDIS_URL: "redis://h1:7000, redis://h2:7001", REDIS_CLUSTER: "true" })).toMatchObject({
      REDIS_URL: "redis://h1:7000, redis://h2:7001",
      REDIS_CLUSTER: true,
    });
    expect(parse({ REDIS_URL: "rediss://u:p@h1:7000/0", REDIS_CLUSTER: "yes" }).REDIS_CLUSTER).toBe(true);
  });

  it("refuses a seed list without REDIS_CLUSTER, saying which variable to set", () => {
    expect(() => parse({ REDIS_URL: "redis://h1:7000,redis://h2:7001" })).toThrow(
      /REDIS_URL: lists 2 URLs; a list of seed nodes needs REDIS_CLUSTER=true/,
    );
  });

  it("names every bad seed, a bad flag, and what a cluster cannot do", () => {
    expect(() => parse({ REDIS_URL: "redis://h1:7000,http://h2:7001,nope", REDIS_CLUSTER: "true" })).toThrow(
      /- REDIS_URL: "http:\/\/h2:7001" must be a redis:\/\/ or rediss:\/\/ URL\n {2}- REDIS_URL: "nope" is not a URL$/,
    );
    expect(() => parse({ REDIS_URL: "redis://h1:7000", REDIS_CLUSTER: "maybe" })).toThrow(
      /- REDIS_CLUSTER: /,
    );
    expect(() => parse({ REDIS_URL: "redis://h1:7000/2", REDIS_CLUSTER: "true" })).toThrow(
      /Redis Cluster has only database 0/,
    );
    expect(() =>
      parse({ REDIS_URL: "redis://:a@h1:7000,redis://:b@h2:7001", REDIS_CLUSTER: "true" }),
    ).toThrow(/must share one scheme and one username\/password/);
  });
});
