import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, RedisServer } from "@herald/devstack";
import { eventually } from "@herald/testkit";
import { Worker } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { createRedis } from "./connection.ts";
import { createRedisOutageLog, isRedisConnectionError } from "./redis-outage-log.ts";

interface Line {
  level: "error" | "warn";
  msg: string;
  obj: Record<string, unknown>;
}

function capture() {
  const lines: Line[] = [];
  return {
    lines,
    logger: {
      error: (obj: object, msg: string) => lines.push({ level: "error", msg, obj: obj as Line["obj"] }),
      warn: (obj: object, msg: string) => lines.push({ level: "warn", msg, obj: obj as Line["obj"] }),
    },
  };
}

const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:6379"), { code: "ECONNREFUSED" });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("createRedisOutageLog", () => {
  it("logs an outage once when it starts, again each repeatMs, and once when Redis answers", () => {
    let t = 0;
    const { lines, logger } = capture();
    const log = createRedisOutageLog(logger, { repeatMs: 60_000, now: () => t });
    for (; t < 59_000; t += 1000) expect(log.report(refused, "sms")).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual(["Redis is unreachable: retrying with backoff"]);
    expect(lines[0]!.obj).toMatchObject({ err: refused.message, source: "sms" });

    t = 61_000;
    log.report(refused);
    expect(lines[1]).toMatchObject({
      msg: "Redis is still unreachable",
      obj: { downMs: 61_000, failedAttempts: 59 },
    });
    t = 70_000;
    log.recovered();
    log.recovered();
    expect(lines.slice(2)).toEqual([{ level: "warn", msg: "Redis answers again", obj: { downMs: 70_000 } }]);

    // The next outage is a new one.
    log.report(refused);
    expect(lines).toHaveLength(4);
    expect(lines[3]!.msg).toBe("Redis is unreachable: retrying with backoff");
  });

  it("puts a job's lost lock down to an outage that lasts or just ended: one line per job", () => {
    let t = 0;
    const { lines, logger } = capture();
    const log = createRedisOutageLog(logger, { lockGraceMs: 30_000, now: () => t });
    const renew = new Error("could not renew lock for job evt_06h4nmjwtxntpyex1q392n2cx8");
    const finish = new Error("Missing lock for job evt_06h4nmjwtxntpyex1q392n2cx8. moveToFinished");
    const other = new Error("Missing lock for job snd_1-a1-f00. moveToDelayed");
    // No outage: a lost lock is something else (a blocked event loop), left to the caller.
    expect(log.report(finish, "events")).toBe(false);

    log.report(refused);
    t = 5000;
    expect(log.report(renew, "events")).toBe(true);
    log.recovered();
    t = 6000;
    expect(log.report(finish, "events")).toBe(true);
    expect(log.report(other, "email")).toBe(true);
    const lost =
      "a job in hand during the Redis outage lost its lock: it runs again once the stalled-job check takes it back";
    expect(lines.slice(1).filter((l) => l.msg === lost)).toEqual([
      { level: "warn", msg: lost, obj: { jobId: "evt_06h4nmjwtxntpyex1q392n2cx8", source: "events" } },
      { level: "warn", msg: lost, obj: { jobId: "snd_1-a1-f00", source: "email" } },
    ]);
    t = 6000 + 30_001;
    expect(log.report(other, "email")).toBe(false);
  });

  it("leaves errors that are not about reaching Redis to the caller", () => {
    const { lines, logger } = capture();
    const log = createRedisOutageLog(logger);
    const script = new Error("ERR Error running script (call to f_1): @user_script:12: bad argument");
    expect(log.report(script)).toBe(false);
    expect(lines).toEqual([]);
    expect(isRedisConnectionError(new Error("Connection is closed."))).toBe(true);
    expect(isRedisConnectionError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(
      true,
    );
    expect(isRedisConnectionError(new Error("NOSCRIPT No matching script"))).toBe(false);
  });

  it("with a real client and a BullMQ worker on a Redis that is down, then started: one line each way", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const { lines, logger } = capture();
    const log = createRedisOutageLog(logger);
    const others: Error[] = [];
    const client = createRedis(url, "worker");
    log.watch(client, "client", (err) => others.push(err));
    cleanups.push(() => client.disconnect());
    const workers = ["sms", "email", "push"].map((name) => {
      const w = new Worker(name, async () => {}, { connection: client, prefix: "outage-test" });
      w.on("error", (err) => {
        if (!log.report(err, name)) others.push(err);
      });
      cleanups.push(() => w.close(true));
      return w;
    });
    expect(workers).toHaveLength(3);

    // Backoff 200, 400, 600… ms: several failed attempts per connection in 2.5 s.
    await new Promise((r) => setTimeout(r, 2500));
    expect(lines.map((l) => l.msg)).toEqual(["Redis is unreachable: retrying with backoff"]);
    expect(String(lines[0]!.obj.err)).toContain("ECONNREFUSED");
    expect(others).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), "herald-outage-"));
    const server = new RedisServer({ dir, port });
    await server.start();
    cleanups.push(async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    await eventually(() => lines.length === 2, 10_000);
    expect(lines[1]).toMatchObject({ level: "warn", msg: "Redis answers again" });
    expect(lines[1]!.obj.downMs).toBeGreaterThanOrEqual(2500);
    expect(await client.ping()).toBe("PONG");
  }, 20_000);
});
