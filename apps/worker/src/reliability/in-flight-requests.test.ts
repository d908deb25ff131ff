import { createRedis, type RedisClient } from "@herald/jobs";
import type { Logger } from "@herald/logger";
import {
  type CommandFeed,
  eventually,
  startCommandFeed,
  testQueuePrefix,
  testRedisUrl,
} from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IN_FLIGHT_TTL_MS, inFlightKey, inFlightRequests } from "./in-flight-requests.ts";

let redis: RedisClient;
/** Every command Redis ran on a key of this file's prefixes: what a note costs, counted at the server. */
let monitor: CommandFeed | undefined;
const seen: string[][] = [];
const prefix = testQueuePrefix();

beforeAll(async () => {
  redis = createRedis({ url: testRedisUrl(), cluster: false }, "worker");
  monitor = await startCommandFeed(testRedisUrl());
  // The commands a script runs are shown too, their source "lua": only the client's own are counted.
  monitor.onCommand(({ args, source }) => {
    if (source !== "lua" && args.some((a) => a.startsWith(prefix))) seen.push(args);
  });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  monitor?.close();
  redis.disconnect();
});

/**
 * Where the monitor's feed stands once it has shown every command sent on `redis` so far: a
 * command on a fence key, sent after them on the same connection, is shown after them.
 */
async function caughtUp(p: string): Promise<number> {
  const fence = `${p}:fence:${Math.random()}`;
  await redis.get(fence);
  await eventually(() => seen.some((c) => c.includes(fence)));
  return seen.findIndex((c) => c.includes(fence)) + 1;
}

/**
 * The commands Redis ran on keys of `p` while `run` ran. The feed lags the commands: it is
 * caught up before (or an earlier command would count here) and after.
 */
async function commandsOn(p: string, run: () => Promise<void>): Promise<string[]> {
  const before = await caughtUp(p);
  await run();
  const after = await caughtUp(p);
  return seen
    .slice(before, after - 1)
    .filter((c) => c.some((a) => a.startsWith(p)))
    .map((c) => c[0]!.toLowerCase());
}

describe("notes of provider requests in flight, per job, in Redis", () => {
  it("a note is one command before the request and one after it, and the job's hash expires", async () => {
    const requests = inFlightRequests(redis, prefix);
    const log = requests.log("snd_one");
    // The script's first use loads it (EVALSHA answered NOSCRIPT, then EVAL): once per Redis server.
    await log.mark(["ntf_warm"], "resend");
    await log.clear();

    const ids = Array.from({ length: 100 }, (_, i) => `ntf_${String(i).padStart(3, "0")}`);
    let during: Map<string, unknown> | undefined;
    let ttl = 0;
    const commands = await commandsOn(prefix, async () => {
      await log.mark(ids, "resend", "batch-abc");
      during = await requests.read("snd_one");
      ttl = await redis.pttl(inFlightKey(prefix, "snd_one"));
      await log.clear();
    });
    expect(commands).toEqual(["evalsha", "hgetall", "pttl", "hdel"]);
    expect(during?.size).toBe(100);
    expect(during?.get("ntf_042")).toEqual({ provider: "resend", batchKey: "batch-abc" });
    expect(ttl).toBeGreaterThan(IN_FLIGHT_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(IN_FLIGHT_TTL_MS);
    expect(await redis.exists(inFlightKey(prefix, "snd_one"))).toBe(0);
  });

  it("a later note of the same e-mail replaces the first (failover), and a clear of nothing sends nothing", async () => {
    const requests = inFlightRequests(redis, prefix, { ttlMs: 5000 });
    const log = requests.log("ntf_a");
    await log.mark(["ntf_a"], "resend");
    await log.mark(["ntf_a"], "smtp");
    expect(await requests.read("ntf_a")).toEqual(new Map([["ntf_a", { provider: "smtp", batchKey: null }]]));
    const pttl = await redis.pttl(inFlightKey(prefix, "ntf_a"));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5000);
    await log.clear(["ntf_a"]);
    expect(await commandsOn(prefix, () => log.clear())).toEqual([]);
    expect(await requests.read("ntf_a")).toEqual(new Map());
  });

  it("a run clears only its own notes: what a dead run left stays for the run taking the job over", async () => {
    const requests = inFlightRequests(redis, prefix);
    const dead = requests.log("snd_two");
    await dead.mark(["ntf_1", "ntf_2"], "resend", "batch-k");
    const next = requests.log("snd_two");
    await next.mark(["ntf_3"], "smtp");
    await next.clear();
    const left = await requests.read("snd_two");
    expect([...left.keys()].sort()).toEqual(["ntf_1", "ntf_2"]);
    await requests.forget("snd_two", [...left.keys()]);
    expect(await redis.exists(inFlightKey(prefix, "snd_two"))).toBe(0);
  });

  it("installs sharing a Redis under other prefixes never see each other's notes", async () => {
    const other = testQueuePrefix();
    const mine = inFlightRequests(redis, prefix);
    const theirs = inFlightRequests(redis, other);
    await theirs.log("ntf_same").mark(["ntf_same"], "smtp");
    expect(await mine.read("ntf_same")).toEqual(new Map());
    expect((await theirs.read("ntf_same")).get("ntf_same")).toEqual({ provider: "smtp", batchKey: null });
    await theirs.forget("ntf_same", ["ntf_same"]);
    expect(await redis.keys(`${other}*`)).toEqual([]);
  });

  it("hash-tags the key on the job id alone: one slot per job, jobs spread over a cluster", () => {
    const key = inFlightKey("herald", "snd_01J9Z-a2-0123456789ab");
    expect(key).toBe("herald:{in-flight:snd_01J9Z-a2-0123456789ab}");
    // Redis Cluster hashes what lies between the first "{" and the next "}" (cluster-scripts.test.ts runs it on one).
    const tag = key.slice(key.indexOf("{") + 1, key.indexOf("}", key.indexOf("{")));
    expect(tag).toBe("in-flight:snd_01J9Z-a2-0123456789ab");
  });

  it("a note Redis refuses is warned about and the request goes ahead; nothing is left to clear", async () => {
    const closed = createRedis(testRedisUrl(), "producer", { lazyConnect: true });
    const warnings: string[] = [];
    const warn = ((_fields: object, msg: string) => {
      warnings.push(msg);
    }) as Logger["warn"];
    const log = inFlightRequests(closed, prefix, { logger: { warn } }).log("ntf_down");
    await expect(log.mark(["ntf_down"], "resend")).resolves.toBeUndefined();
    await expect(log.clear()).resolves.toBeUndefined();
    expect(warnings).toEqual(["provider request not noted in Redis: a crash during it may fail over"]);
    closed.disconnect();
  });
});
