import { getTimeline, listEventNotifications } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { eventually } from "@herald/testkit";
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelSender } from "../src/providers/provider.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let worker: TestWorker | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

/** An e-mail provider that fails its first `failures` calls, then accepts. */
function flakyEmail(
  failures: number,
  kind: "transient" | "permanent" = "transient",
  says = (n: number) => `provider said no (${n})`,
) {
  const calls: string[] = [];
  const sender: ChannelSender = {
    channel: "email",
    providers: ["flaky"],
    async send(ctx) {
      calls.push(ctx.notification.id);
      if (calls.length <= failures)
        throw new DeliveryError(kind, says(calls.length), {
          provider: "flaky",
          code: "503",
        });
      return { provider: "flaky", providerMessageId: `msg-${calls.length}` };
    },
  };
  return { sender, calls };
}

async function emailOf(w: TestWorker, eventId: string) {
  return eventually(async () =>
    (await listEventNotifications(w.deps.db, eventId)).find((n) => n.channel === "email"),
  );
}

describe("retries and the dead-letter queue", () => {
  it("a provider that fails twice then succeeds ends SENT with retry_count 2", async () => {
    const flaky = flakyEmail(2);
    worker = await createTestWorker({}, { senders: { email: flaky.sender } });
    const eventId = await worker.trigger("order_placed", "u1", { channels: ["email"] });
    const n = await eventually(async () => {
      const row = await emailOf(worker!, eventId);
      return row?.status === "SENT" ? row : null;
    });
    expect(n.retryCount).toBe(2);
    expect(n.provider).toBe("flaky");
    expect(n.providerMessageId).toBe("msg-3");
    expect(flaky.calls).toHaveLength(3);
    const timeline = await getTimeline(worker.deps.db, n.id);
    expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "FAILED", "FAILED", "SENT"]);
  });

  it("a provider that always fails ends DEAD with a job in dead_letter", async () => {
    const flaky = flakyEmail(Number.POSITIVE_INFINITY);
    worker = await createTestWorker(
      { WORKER_CHANNELS: "events,email" },
      { senders: { email: flaky.sender } },
    );
    const eventId = await worker.trigger("order_placed", "u2", { channels: ["email"] });
    const n = await eventually(async () => {
      const row = await emailOf(worker!, eventId);
      return row?.status === "DEAD" ? row : null;
    });
    expect(flaky.calls).toHaveLength(4);
    expect(n.retryCount).toBe(3);
    expect(n.reason).toBe("retries_exhausted");
    expect(n.lastError).toContain("provider said no (4)");
    const dead = await worker.deps.queues.get("dead_letter").getJobs(["waiting", "prioritized"]);
    expect(dead.map((j) => j.data)).toEqual([
      { notificationId: n.id, channel: "email", error: "provider said no (4)", attempts: 4 },
    ]);
    const failedJob = await worker.deps.queues.get("email").getJob(n.id);
    expect(await failedJob?.getState()).toBe("failed");
  });

  it("what Redis keeps of a provider's error has the addresses in it masked; the row keeps the whole text", async () => {
    const says = () => "mailbox of ada.l@example.com is full; call +44 20 7946 0958 or 203.0.113.9";
    const flaky = flakyEmail(Number.POSITIVE_INFINITY, "transient", says);
    worker = await createTestWorker(
      { WORKER_CHANNELS: "events,email" },
      { senders: { email: flaky.sender } },
    );
    const eventId = await worker.trigger("order_placed", "u5", { channels: ["email"] });
    const n = await eventually(async () => {
      const row = await emailOf(worker!, eventId);
      return row?.status === "DEAD" ? row : null;
    });
    const masked = "mailbox of [email] is full; call [phone] or [ip]";
    expect(n.lastError).toContain(says());
    const dead = await worker.deps.queues.get("dead_letter").getJobs(["waiting", "prioritized"]);
    expect(dead.map((j) => j.data.error)).toEqual([masked]);
    const failedJob = await worker.deps.queues.get("email").getJob(n.id);
    expect(await failedJob?.getState()).toBe("failed");
    expect(failedJob?.failedReason).toBe(masked);
    expect(failedJob?.stacktrace?.length).toBeGreaterThan(0);
    for (const stack of failedJob?.stacktrace ?? []) {
      expect(stack).toContain(masked);
      expect(stack).not.toMatch(/ada\.l|7946|203\.0/);
    }
  });

  it("a permanent error fails at once, without retries", async () => {
    const flaky = flakyEmail(Number.POSITIVE_INFINITY, "permanent");
    worker = await createTestWorker({}, { senders: { email: flaky.sender } });
    const eventId = await worker.trigger("order_placed", "u3", { channels: ["email"] });
    const n = await eventually(async () => {
      const row = await emailOf(worker!, eventId);
      return row?.status === "FAILED" && row.reason ? row : null;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(flaky.calls).toHaveLength(1);
    expect(n.reason).toBe("permanent_error");
    expect(n.retryCount).toBe(0);
  });

  it("does not send again when the job runs for an already-sent notification", async () => {
    const flaky = flakyEmail(0);
    worker = await createTestWorker({}, { senders: { email: flaky.sender } });
    const eventId = await worker.trigger("order_placed", "u4", { channels: ["email"] });
    const n = await eventually(async () => {
      const row = await emailOf(worker!, eventId);
      return row?.status === "SENT" ? row : null;
    });
    // Re-enqueue the same notification as a reconciler or a stalled job would.
    await worker.deps.queues.get("email").remove(n.id);
    await worker.deps.queues.add("email", "send", { notificationId: n.id }, { jobId: n.id });
    await eventually(async () => (await worker!.deps.queues.get("email").getJobState(n.id)) === "completed");
    expect(flaky.calls).toEqual([n.id]);
  });
});
