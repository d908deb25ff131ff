import { getEvent } from "@herald/db";
import { bullQueueName } from "@herald/jobs";
import { readSharedMetrics } from "@herald/metrics";
import { eventually, testRedisUrl } from "@herald/testkit";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { reaches } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const FALLBACK_MS = 400;
const LANES = { WORKER_CHANNELS: "events,email", WORKER_LANES: "normal" };

let w: TestWorker | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const laneStates = async (t: TestWorker) => (await t.running.readiness()).queues as Record<string, string>;

describe("a normal-lanes process standing by for the critical lanes", () => {
  it("sends a password reset when no critical process runs, after the wait, then steps back", async () => {
    w = await createTestWorker({ ...LANES, CRITICAL_LANE_FALLBACK_MS: String(FALLBACK_MS) });
    expect(await laneStates(w)).toMatchObject({ events_critical: "standby", email_critical: "standby" });

    const reset = await w.trigger("password_reset", "alice", { channels: ["email"] });
    const sent = await reaches(w, reset, "email", "SENT");
    expect(sent.priority).toBe("critical");
    // Nobody took it for the fallback's wait: the normal lanes never serve critical jobs at once.
    const event = (await getEvent(w.deps.db, reset))!;
    expect(sent.sentAt!.getTime() - event.createdAt.getTime()).toBeGreaterThanOrEqual(FALLBACK_MS);

    // Counted for the API's /metrics: the operator learns the critical process is missing.
    await eventually(async () => {
      const { criticalStandIns } = await readSharedMetrics(w!.deps.redis, w!.deps.env.queuePrefix);
      return criticalStandIns.map((x) => x.queue).join() === "email_critical,events_critical";
    });

    // Both lanes empty again: standing by, and still ready.
    await eventually(async () => {
      const lanes = await laneStates(w!);
      return lanes.events_critical === "standby" && lanes.email_critical === "standby";
    }, 10_000);
    expect((await w.running.readiness()).ready).toBe(true);

    // A normal event never waited for any of this.
    const order = await w.trigger("order_placed", "bob", { channels: ["email"] });
    await reaches(w, order, "email", "SENT");
  }, 30_000);

  it("leaves the critical lanes to the process serving them", async () => {
    w = await createTestWorker({ ...LANES, CRITICAL_LANE_FALLBACK_MS: String(FALLBACK_MS) });
    const t = w;
    // The critical process, as far as the queue can tell: it takes each job at once.
    const taken: string[] = [];
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const critical = new Worker(
      bullQueueName("events_critical"),
      async (job) => {
        taken.push(job.id!);
      },
      { connection, prefix: t.deps.env.queuePrefix, concurrency: 4 },
    );
    try {
      const resets: string[] = [];
      for (let i = 0; i < 8; i++) {
        resets.push(await t.trigger("password_reset", `user-${i}`, { channels: ["email"] }));
        await new Promise((r) => setTimeout(r, FALLBACK_MS / 2));
      }
      await eventually(async () => taken.length === resets.length);
      expect(taken.sort()).toEqual([...resets].sort());
      // Long enough for the standby to have stepped in had it seen a job wait.
      await new Promise((r) => setTimeout(r, FALLBACK_MS * 2));
      expect((await laneStates(t)).events_critical).toBe("standby");
      await t.deps.metrics.flush();
      expect((await readSharedMetrics(t.deps.redis, t.deps.env.queuePrefix)).criticalStandIns).toEqual([]);
    } finally {
      await critical.close();
      await connection.quit();
    }
  }, 30_000);

  it("never serves them with the fallback off", async () => {
    w = await createTestWorker({ ...LANES, CRITICAL_LANE_FALLBACK_MS: "0" });
    const reset = await w.trigger("password_reset", "carol", { channels: ["email"] });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await laneStates(w)).not.toHaveProperty("events_critical");
    expect(await w.deps.queues.get("events", "critical").getJobState(reset)).toMatch(/waiting|prioritized/);
  });
});
