import { testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { ensureJobRuns } from "./ensure-job.ts";

const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
const prefix = testQueuePrefix();
const queue = new Queue("ensure", { connection, prefix });
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

/** Runs the queue's jobs until `ids` have finished: `fail` ones fail, the others complete. */
async function finish(ids: string[]) {
  const worker = new Worker(
    "ensure",
    async (job) => {
      if (job.data.fail) throw new Error("failed for good");
    },
    { connection: connection.duplicate(), prefix },
  );
  while (true) {
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    if (states.every((s) => s === "completed" || s === "failed")) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await worker.close();
}

describe("ensureJobRuns", () => {
  it("adds a job that is gone, leaves a waiting one, re-runs a finished or failed one with fresh attempts", async () => {
    let added = 0;
    const add = (id: string) => async () => {
      added++;
      await queue.add("x", {}, { jobId: id });
    };
    expect(await ensureJobRuns(queue, "job-gone", add("job-gone"))).toBe(true);
    expect([added, await queue.getJobState("job-gone")]).toEqual([1, "waiting"]);
    expect(await ensureJobRuns(queue, "job-gone", add("job-gone"))).toBe(false);
    expect(added).toBe(1);

    await queue.add("x", { fail: true }, { jobId: "job-failed" });
    await finish(["job-gone", "job-failed"]);
    expect(await ensureJobRuns(queue, "job-gone", add("job-gone"))).toBe(true);
    expect(await ensureJobRuns(queue, "job-failed", add("job-failed"))).toBe(true);
    expect(added).toBe(1);
    expect(await queue.getJobState("job-failed")).toBe("waiting");
    expect((await queue.getJob("job-failed"))!.attemptsMade).toBe(0);
  });

  it("counts a job that moved after its state was read as in hand, not as an error", async () => {
    await queue.add("x", {}, { jobId: "job-moved" });
    // Read as failed a moment ago; it is waiting now (retried elsewhere meanwhile).
    expect(await ensureJobRuns(queue, "job-moved", async () => {}, "failed")).toBe(false);
    expect(await queue.getJobState("job-moved")).toBe("waiting");
  });
});
