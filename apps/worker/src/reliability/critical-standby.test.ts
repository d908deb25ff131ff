import { createLogger } from "@herald/logger";
import { eventually, testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type CriticalStandby, startCriticalStandby } from "./critical-standby.ts";

const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
const prefix = testQueuePrefix();
const logger = createLogger({ level: "silent" });
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await connection.quit();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lane on its own queue, whose standby worker records the jobs it took. */
function lane(name: string, afterMs: number, canServe = () => true, stalledInterval = 30_000) {
  const queue = new Queue(name, { connection, prefix });
  const taken: string[] = [];
  let created = 0;
  const standby: CriticalStandby = startCriticalStandby(
    [
      {
        name,
        queue,
        createWorker: () => {
          created++;
          return new Worker(
            name,
            async (job) => {
              taken.push(job.id!);
            },
            { connection, prefix, autorun: false, stalledInterval },
          );
        },
      },
    ],
    { afterMs, checkEveryMs: 50, canServe, logger },
  );
  opened.push(queue, standby);
  return { queue, standby, taken, created: () => created };
}

describe("startCriticalStandby", () => {
  it("serves a lane whose first job waited afterMs, until the lane is empty", async () => {
    const { queue, standby, taken, created } = lane("standby-waits", 400);
    const started = Date.now();
    await queue.add("job", {}, { jobId: "a" });
    await sleep(200);
    expect(standby.serving()).toEqual([]);
    expect(created()).toBe(0);

    await eventually(async () => taken.includes("a"), 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await eventually(async () => standby.serving().length === 0, 5000);

    // Back on standby: the next job waits again before it is taken, by the same worker.
    await queue.add("job", {}, { jobId: "b" });
    await sleep(200);
    expect(taken).toEqual(["a"]);
    await eventually(async () => taken.includes("b"), 5000);
    expect(created()).toBe(1);
  });

  it("stays out while a provider's 429 pauses the lane, and serves it if nobody takes the job after the pause", async () => {
    const { queue, standby, taken, created } = lane("standby-paused", 300);
    await queue.rateLimit(1200);
    const started = Date.now();
    await queue.add("job", {}, { jobId: "p" });
    await sleep(900);
    expect(standby.serving()).toEqual([]);
    expect(created()).toBe(0);

    await eventually(async () => taken.includes("p"), 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
  });

  it("stays out while someone else keeps taking the jobs", async () => {
    const { queue, standby, created } = lane("standby-others", 600);
    // Another process takes each job ~100 ms after it arrives: the first in line keeps changing.
    for (let i = 0; i < 12; i++) {
      const job = await queue.add("job", {}, { jobId: `j${i}` });
      await sleep(100);
      await job.remove();
    }
    expect(standby.serving()).toEqual([]);
    expect(created()).toBe(0);
  });

  it("serves a lane whose job in hand lost its lock, as when its process died", async () => {
    // Only a lost lock can make it step in here: a waiting job would need a minute.
    const { queue, taken, created } = lane("standby-stalled", 60_000, () => true, 300);
    await queue.add("job", {}, { jobId: "s" });
    // The critical process takes the job and dies with it: its lock is never renewed.
    const dying = new Worker("standby-stalled", null, {
      connection,
      prefix,
      autorun: false,
      lockDuration: 300,
    });
    opened.push(dying);
    expect((await dying.getNextJob("dead-token"))?.id).toBe("s");
    await sleep(100);
    expect(created()).toBe(0);

    // BullMQ's stalled check in the stand-in's worker moves it back to wait, and it runs again.
    await eventually(async () => taken.includes("s"), 10_000);
    expect(created()).toBe(1);
  });

  it("waits while it may not serve (database down, draining)", async () => {
    let allowed = false;
    const { queue, taken } = lane("standby-gated", 200, () => allowed);
    await queue.add("job", {}, { jobId: "g" });
    await sleep(600);
    expect(taken).toEqual([]);
    allowed = true;
    await eventually(async () => taken.includes("g"), 5000);
  });
});
