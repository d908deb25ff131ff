import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type CommandFeed, parseMonitorLine, startCommandFeed } from "./command-feed.ts";
import { eventually } from "./eventually.ts";
import { testQueuePrefix, testRedisUrl } from "./test-redis.ts";

describe("parseMonitorLine", () => {
  it("reads the source and unescapes the arguments as Redis writes them", () => {
    expect(
      parseMonitorLine('+1700000000.123456 [0 127.0.0.1:5000] "SET" "k" "a\\"b\\\\c\\n\\xc3\\xa9"'),
    ).toEqual({
      args: ["SET", "k", 'a"b\\c\né'],
      source: "127.0.0.1:5000",
    });
    expect(parseMonitorLine('+1700000000.1 [3 lua] "HGET" "h" ""')).toEqual({
      args: ["HGET", "h", ""],
      source: "lua",
    });
    expect(parseMonitorLine("+OK")).toBeNull();
  });
});

describe("startCommandFeed", () => {
  const redis = new Redis(testRedisUrl());
  let feed: CommandFeed | undefined;
  afterAll(() => {
    feed?.close();
    redis.disconnect();
  });

  it("starts while other clients keep Redis busy, and shows their commands with their arguments", async () => {
    const prefix = testQueuePrefix();
    let busy = true;
    // The race ioredis's monitor() loses: commands shown in the same read as MONITOR's +OK.
    const load = (async () => {
      while (busy) await redis.pipeline(Array.from({ length: 50 }, () => ["get", `${prefix}:noise`])).exec();
    })();
    for (let i = 0; i < 20; i++) (await startCommandFeed(testRedisUrl())).close();
    feed = await startCommandFeed(testRedisUrl());
    const seen: string[][] = [];
    feed.onCommand(({ args }) => {
      if (args[1] === `${prefix}:mark`) seen.push(args);
    });
    await redis.set(`${prefix}:mark`, 'quote " and é');
    await eventually(() => seen.length === 1);
    busy = false;
    await load;
    expect(seen).toEqual([["set", `${prefix}:mark`, 'quote " and é']]);
    await redis.del(`${prefix}:mark`);
  });
});
