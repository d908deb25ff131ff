import { z } from "zod";
import { booleanFlag } from "./parse-env.ts";

/** `"redis://a:7000, redis://b:7001"` → `["redis://a:7000", "redis://b:7001"]`. */
export function redisSeedUrls(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function seedProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL`;
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    return `"${raw}" must be a redis:// or rediss:// URL`;
  if (!url.hostname) return `"${raw}" has no host`;
  return null;
}

/** Seeds of `REDIS_URL` that are not `redis://`/`rediss://` URLs with a host, as messages. */
export function redisSeedProblems(value: string): string[] {
  const seeds = redisSeedUrls(value);
  if (seeds.length === 0) return ["is empty"];
  return seeds.map(seedProblem).filter((p): p is string => p !== null);
}

/**
 * What is wrong with well-formed seeds given `REDIS_CLUSTER` (empty when
 * nothing). A cluster's seeds must agree on scheme and credentials because
 * ioredis reaches the nodes it discovers with one set of options, and a
 * cluster has only database 0.
 */
export function redisTopologyProblems(value: string, cluster: boolean): string[] {
  const seeds = redisSeedUrls(value);
  if (!cluster) {
    return seeds.length > 1
      ? [
          `lists ${seeds.length} URLs; a list of seed nodes needs REDIS_CLUSTER=true (a single Redis takes one URL)`,
        ]
      : [];
  }
  const urls = seeds.map((s) => new URL(s));
  const problems: string[] = [];
  const auth = (u: URL) => `${u.protocol}//${u.username}:${u.password}`;
  if (new Set(urls.map(auth)).size > 1) {
    problems.push("the seed nodes of a cluster must share one scheme and one username/password");
  }
  if (urls.some((u) => u.pathname !== "" && u.pathname !== "/" && u.pathname !== "/0")) {
    problems.push("Redis Cluster has only database 0: drop the /<db> path");
  }
  return problems;
}

/** `REDIS_URL` and `REDIS_CLUSTER`, the same in every app's schema (check them with {@link refineRedisEnv}). */
export const redisEnvShape = {
  /**
   * `redis://` or `rediss://` URL (credentials in it). With `REDIS_CLUSTER`:
   * one or more seed nodes, comma-separated (`redis://h1:7000,redis://h2:7001`);
   * the rest of the cluster is discovered from them. Required.
   */
  REDIS_URL: z.string().superRefine((value, ctx) => {
    for (const message of redisSeedProblems(value)) ctx.addIssue({ code: "custom", message });
  }),
  /**
   * The Redis at `REDIS_URL` is a Redis Cluster: Herald connects with
   * ioredis' `Cluster` client. Default false (one Redis, or a managed
   * endpoint that proxies a cluster).
   */
  REDIS_CLUSTER: booleanFlag(false),
};

/**
 * `superRefine` step for a schema extended with {@link redisEnvShape}. Typed
 * loosely because schemas built with `Object.fromEntries` infer as records.
 */
export function refineRedisEnv(
  env: { REDIS_URL?: unknown; REDIS_CLUSTER?: unknown },
  ctx: z.RefinementCtx,
): void {
  // Malformed seeds are reported by the field itself; their topology means nothing yet.
  if (typeof env.REDIS_URL !== "string" || redisSeedProblems(env.REDIS_URL).length > 0) return;
  for (const message of redisTopologyProblems(env.REDIS_URL, env.REDIS_CLUSTER === true)) {
    ctx.addIssue({ code: "custom", path: ["REDIS_URL"], message });
  }
}
