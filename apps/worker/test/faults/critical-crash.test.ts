import { join } from "node:path";
import { eventually, type FaultStack, startFaultStack } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StackClient, stackClient } from "./stack-client.ts";

/** A worker process whose e-mail provider takes TEST_SEND_DELAY_MS per message. */
const SLOW_WORKER = join(import.meta.dirname, "../fixtures/slow-email-worker.ts");

let stack: FaultStack;
let client: StackClient;
beforeAll(async () => {
  stack = await startFaultStack("critical-crash");
  client = stackClient(stack);
});
afterAll(async () => {
  client?.close();
  await stack?.stop();
});

describe("the critical lanes' process dies", () => {
  it("kill -9 mid-send, never restarted: a normal-lanes process takes its job over and sends it once", async () => {
    const normal = await stack.spawnWorker(
      { WORKER_LANES: "normal", CRITICAL_LANE_FALLBACK_MS: "500", TEST_SEND_DELAY_MS: "0" },
      SLOW_WORKER,
    );
    const critical = await stack.spawnWorker(
      { WORKER_LANES: "critical", TEST_SEND_DELAY_MS: "5000" },
      SLOW_WORKER,
    );
    const eventId = await client.trigger("reset-1", { critical: true });
    const n = await client.emailOf(eventId);
    expect(n.priority).toBe("critical");
    const lane = client.queues.get("email", "critical");
    await eventually(async () => (await lane.getJobState(n.id)) === "active", 20_000);

    await critical.kill();
    expect((await critical.exited).signal).toBe("SIGKILL");
    // Killed inside the provider call: nothing went out.
    expect(await client.outboxCount(n.id)).toBe(0);

    // Its lock expires (JOB_LOCK_MS, 2 s here); the normal process sees a job held by nobody,
    // serves the lane, and BullMQ's stalled check hands the job to it.
    await eventually(async () => (await client.status(n.id)) === "SENT", 30_000);
    expect(await client.outboxCount(n.id)).toBe(1);
    expect((await lane.getJob(n.id))?.stalledCounter).toBeGreaterThanOrEqual(1);
    await normal.stop();
  });
});
