import { join } from "node:path";
import { getTimeline, insertEvents, upsertRecipient } from "@herald/db";
import { readReliabilityCounters } from "@herald/jobs";
import { catalog } from "@herald/templates";
import {
  eventually,
  type FaultStack,
  occupiedPort,
  runToExit,
  startFaultStack,
  WORKER_MAIN,
} from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerDeps } from "../../src/deps.ts";
import { loadWorkerEnv } from "../../src/env.ts";
import { routeEvent } from "../../src/router/route-event.ts";
import { type StackClient, stackClient } from "./stack-client.ts";

/** A worker process whose e-mail provider takes TEST_SEND_DELAY_MS per message. */
const SLOW_WORKER = join(import.meta.dirname, "../fixtures/slow-email-worker.ts");

let stack: FaultStack;
let client: StackClient;
beforeAll(async () => {
  stack = await startFaultStack("worker-crash");
  client = stackClient(stack);
});
afterAll(async () => {
  client?.close();
  await stack?.stop();
});

async function activeSend(notificationId: string) {
  await eventually(
    async () => (await client.queues.get("email").getJobState(notificationId)) === "active",
    20_000,
  );
}

describe("a worker process dies or is stopped mid-send", () => {
  it("kill -9 mid-send: the job is taken over by another worker and sent exactly once", async () => {
    const doomed = await stack.spawnWorker({ TEST_SEND_DELAY_MS: "5000" }, SLOW_WORKER);
    const eventId = await client.trigger("crash-1");
    const n = await client.emailOf(eventId);
    await activeSend(n.id);
    await doomed.kill();
    expect((await doomed.exited).signal).toBe("SIGKILL");
    // Killed inside the provider call: nothing was delivered, the row still says QUEUED.
    expect(await client.outboxCount(n.id)).toBe(0);
    expect(await client.status(n.id)).toBe("QUEUED");

    const rescuer = await stack.spawnWorker({ TEST_SEND_DELAY_MS: "0" }, SLOW_WORKER);
    await eventually(async () => (await client.status(n.id)) === "SENT", 30_000);
    expect(await client.outboxCount(n.id)).toBe(1);
    const job = await client.queues.get("email").getJob(n.id);
    expect(job?.stalledCounter).toBeGreaterThanOrEqual(1); // recovered as a stalled job, not re-created
    await rescuer.stop();
  });

  it.each([
    [true, 1],
    [false, 2],
  ])(
    "kill -9 after the provider accepted (recovery lookup %s): the message reaches the provider %i time(s)",
    async (lookup, times) => {
      const env = { TEST_SEND_DELAY_MS: "0", RECOVERY_LOOKUP: String(lookup) };
      const doomed = await stack.spawnWorker({ ...env, TEST_AFTER_SEND_DELAY_MS: "5000" }, SLOW_WORKER);
      const eventId = await client.trigger(`accepted-${lookup}`);
      const n = await client.emailOf(eventId);
      await eventually(async () => (await client.outboxCount(n.id)) === 1, 20_000);
      await doomed.kill(); // the provider has it; the SENT write never happened
      expect(await client.status(n.id)).toBe("QUEUED");

      const rescuer = await stack.spawnWorker(env, SLOW_WORKER);
      await eventually(async () => (await client.status(n.id)) === "SENT", 30_000);
      expect(await client.outboxCount(n.id)).toBe(times);
      const sent = (await getTimeline(stack.db.db, n.id)).filter((t) => t.status === "SENT");
      expect(sent).toHaveLength(1);
      expect(sent[0]!.detail?.recovered).toBe(lookup ? true : undefined);
      await rescuer.stop();
    },
  );

  it("kill -9 with a send batch half-sent: the rest goes out once, what was sent is not sent again", async () => {
    const doomed = await stack.spawnWorker(
      { TEST_SEND_DELAY_MS: "8000", TEST_SLOW_USERS: "half-slow" },
      SLOW_WORKER,
    );
    const users = Array.from({ length: 10 }, (_, i) => (i % 2 ? `half-slow-${i}` : `half-fast-${i}`));
    const eventIds = await client.triggerGroup(users);
    const rows = await Promise.all(eventIds.map((id) => client.emailOf(id)));
    const batchId = rows[0]!.sendJob!;
    expect(batchId).toMatch(/^snd_/);
    expect(rows.every((n) => n.sendJob === batchId)).toBe(true);
    const [fast, slow] = [rows.filter((_, i) => i % 2 === 0), rows.filter((_, i) => i % 2 === 1)];
    // The fast half is recorded SENT while the slow half is inside the provider call.
    await eventually(async () => {
      const statuses = await Promise.all(fast.map((n) => client.status(n.id)));
      return statuses.every((s) => s === "SENT");
    }, 20_000);
    await doomed.kill();
    for (const n of slow) expect(await client.status(n.id)).toBe("QUEUED");

    const rescuer = await stack.spawnWorker({ TEST_SEND_DELAY_MS: "0" }, SLOW_WORKER);
    for (const n of slow) await eventually(async () => (await client.status(n.id)) === "SENT", 30_000);
    for (const n of rows) {
      expect(await client.outboxCount(n.id)).toBe(1);
      const sent = (await getTimeline(stack.db.db, n.id)).filter((t) => t.status === "SENT");
      expect(sent).toHaveLength(1);
    }
    const job = await client.queues.get("email").getJob(batchId);
    expect(job?.stalledCounter).toBeGreaterThanOrEqual(1); // the batch was taken over, not re-created
    expect(job?.returnvalue).toMatchObject({ sent: 5, skipped: 5 });
    await rescuer.stop();
  });

  // SIGHUP is what a closed terminal sends: the same graceful stop, not Node's default exit mid-send.
  it.each(["SIGTERM", "SIGHUP"] as const)(
    "%s: stops taking jobs, finishes the send in hand, exits 0",
    async (signal) => {
      const worker = await stack.spawnWorker(
        { TEST_SEND_DELAY_MS: "2000", SHUTDOWN_TIMEOUT_MS: "15000" },
        SLOW_WORKER,
      );
      await eventually(async () => (await worker.readyz()) === 200, 20_000);
      const eventId = await client.trigger(`${signal}-1`);
      const n = await client.emailOf(eventId);
      await activeSend(n.id);

      const signalled = Date.now();
      const exit = worker.stop(signal);
      await eventually(async () => (await worker.readyz()) !== 200, 5000); // draining: not ready
      const later = await client.trigger(`${signal}-2`); // arrives while it drains
      const { code } = await exit;
      expect(code).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(await client.status(n.id)).toBe("SENT");
      expect(await client.outboxCount(n.id)).toBe(1);
      expect(await client.queues.get("events").getJobState(later)).toMatch(/waiting|prioritized/);
      expect(worker.output()).toContain("stopping: no new jobs");

      // The job left behind is taken by the next worker.
      const next = await stack.spawnWorker({ TEST_SEND_DELAY_MS: "0" }, SLOW_WORKER);
      const m = await client.emailOf(later);
      await eventually(async () => (await client.status(m.id)) === "SENT", 20_000);
      await next.stop();
    },
  );

  it("SIGTERM with a send longer than SHUTDOWN_TIMEOUT_MS: exits within the bound; the send is recovered", async () => {
    const worker = await stack.spawnWorker(
      { TEST_SEND_DELAY_MS: "20000", SHUTDOWN_TIMEOUT_MS: "1000" },
      SLOW_WORKER,
    );
    const eventId = await client.trigger("slow-1");
    const n = await client.emailOf(eventId);
    await activeSend(n.id);
    const signalled = Date.now();
    const { code } = await worker.stop("SIGTERM");
    const took = Date.now() - signalled;
    expect(code).toBe(0);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(8000);
    expect(worker.output()).toContain("shutdown timeout");
    expect(await client.outboxCount(n.id)).toBe(0);

    const next = await stack.spawnWorker({ TEST_SEND_DELAY_MS: "0" }, SLOW_WORKER);
    await eventually(async () => (await client.status(n.id)) === "SENT", 30_000);
    expect(await client.outboxCount(n.id)).toBe(1);
    await next.stop();
  });
});

describe("the reconciler (real worker process, BullMQ job scheduler)", () => {
  it("sends an event whose job was never enqueued, and notifications whose jobs were lost", async () => {
    // 1. The API committed the event and died before enqueueing it.
    const orphanEvent = await client.trigger("orphan-event", { enqueue: false });

    // 2. The router wrote the rows and enqueued them, then Redis lost the jobs.
    const deps = createWorkerDeps(loadWorkerEnv({ ...stack.env, QUEUE_PREFIX: "herald" }), {});
    await upsertRecipient(deps.db, "lost-jobs", { email: "lost@example.com" });
    const [lost] = await insertEvents(deps.db, [
      {
        type: "order_placed",
        userId: "lost-jobs",
        data: catalog.order_placed.example,
        priority: "normal",
        channels: ["email"],
      },
    ]);
    await routeEvent(deps, lost!.event.id);
    const lostRow = await client.emailOf(lost!.event.id);
    expect(await client.queues.get("email").remove(lostRow.id)).toBe(1);
    await deps.close();

    const before = await readReliabilityCounters(client.redis, "herald");
    const worker = await stack.spawnWorker({ RECONCILE_INTERVAL_MS: "500", RECONCILE_AFTER_MS: "1500" });
    const orphanRow = await client.emailOf(orphanEvent, 30_000);
    for (const id of [orphanRow.id, lostRow.id]) {
      await eventually(async () => (await client.status(id)) === "SENT", 30_000);
      expect(await client.outboxCount(id)).toBe(1);
    }
    const after = await readReliabilityCounters(client.redis, "herald");
    expect((after.reconciled_events ?? 0) - (before.reconciled_events ?? 0)).toBeGreaterThanOrEqual(1);
    expect(
      (after.reconciled_notifications ?? 0) - (before.reconciled_notifications ?? 0),
    ).toBeGreaterThanOrEqual(1);
    const schedulers = await client.queues.get("maintenance").getJobSchedulers();
    // One reconciler however many processes run (other maintenance jobs, e.g. retention, sit beside it).
    expect(schedulers.filter((s) => s.key === "reconcile").map((s) => s.every)).toEqual([500]);

    // Later runs find them SENT and re-enqueue nothing: still one message each.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await client.outboxCount(orphanRow.id)).toBe(1);
    expect(await client.outboxCount(lostRow.id)).toBe(1);
    const timeline = await getTimeline(stack.db.db, lostRow.id);
    expect(timeline.filter((t) => t.status === "SENT")).toHaveLength(1);
    await worker.stop();
  });
});

describe("start-up checks", () => {
  it("exits 78 with what to fix when REDIS_CLUSTER does not match the Redis it names", async () => {
    const { code, output } = await runToExit(process.execPath, ["--import", "tsx", WORKER_MAIN], {
      env: { ...process.env, ...stack.env, REDIS_CLUSTER: "true" },
    });
    expect(code).toBe(78);
    expect(output).toMatch(/REDIS_CLUSTER=true, but .* is a plain Redis \(cluster_enabled:0\)/);
  });

  it("exits 78 with what to fix when WORKER_HEALTH_PORT is taken", async () => {
    const taken = await occupiedPort();
    try {
      const { code, output } = await runToExit(process.execPath, ["--import", "tsx", WORKER_MAIN], {
        env: {
          ...process.env,
          ...stack.env,
          WORKER_HEALTH_PORT: String(taken.port),
          WORKER_HEALTH_HOST: "127.0.0.1",
        },
      });
      expect(code).toBe(78);
      expect(output).toContain(
        `port ${taken.port} is already in use (127.0.0.1:${taken.port}): stop what listens there, or set WORKER_HEALTH_PORT to a free port`,
      );
    } finally {
      taken.close();
    }
  });

  it("warns loudly when Redis may evict queued jobs", async () => {
    await client.redis.config("SET", "maxmemory-policy", "allkeys-lru");
    try {
      const worker = await stack.spawnWorker();
      await eventually(() => worker.output().includes("UNSAFE REDIS CONFIGURATION"), 20_000);
      expect(worker.output()).toContain('maxmemory-policy is "allkeys-lru"');
      // The log line comes through stdout, the banner through stderr: either may be read first.
      await eventually(() => /"level":"error"[^\n]*maxmemory-policy/.test(worker.output()), 10_000);
      await worker.stop();
    } finally {
      await client.redis.config("SET", "maxmemory-policy", "noeviction");
    }
    const safe = await stack.spawnWorker();
    await eventually(async () => (await safe.readyz()) === 200, 20_000);
    expect(safe.output()).not.toContain("UNSAFE REDIS CONFIGURATION");
    await safe.stop();
  });
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
    // Both serving first: a critical process still starting would leave the job to the
    // normal one's fallback (500 ms), which sends it at once, before the kill.
    await eventually(
      async () => (await critical.readyz()) === 200 && (await normal.readyz()) === 200,
      30_000,
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
