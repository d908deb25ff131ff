import { DeliveryError } from "@herald/errors";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/** An e-mail provider that is always down; counts its calls per notification. */
const calls = new Map<string, number>();
const email: ChannelSender = {
  channel: "email",
  providers: ["down"],
  async send(ctx) {
    calls.set(ctx.notification.id, (calls.get(ctx.notification.id) ?? 0) + 1);
    throw new DeliveryError("transient", "503 Service Unavailable", { provider: "down", code: "503" });
  },
};

let herald: Herald;
beforeAll(async () => {
  // Four attempts for every channel but e-mail, whose own schedule has two: only the e-mail
  // workers know it (the API does not read worker settings).
  herald = await startHerald({
    workerEnv: { RETRY_SCHEDULE: "0,20ms,20ms,20ms", EMAIL_RETRY_SCHEDULE: "0,20ms" },
    overrides: { senders: { email } },
  });
  await herald.call("PUT", "/v1/users/sched", { email: "sched@example.com" });
});
afterAll(() => herald?.close());

// Routing, a send batch, a retry and the dead letter: ~1 s alone, but one clean-clone CI run
// (2026-12-07 07:50, the whole suite on two cores) did not see DEAD within the default 10 s.
const notificationOf = async (eventId: string) =>
  eventually(async () => {
    const e = await herald.call("GET", `/v1/events/${eventId}`);
    const n = e.body.notifications?.[0];
    return n?.status === "DEAD" ? n : null;
  }, 30_000);

describe("a channel's own retry schedule", () => {
  it("sets the attempts of a dead letter's retry, which the API enqueues without knowing it", async () => {
    // Two events routed together: their e-mails go out in one send batch, so a dead letter has
    // no send job of its own and the retry adds one.
    const event = {
      type: "order_placed",
      userId: "sched",
      channels: ["email"],
      data: catalog.order_placed.example,
    };
    const res = await herald.call("POST", "/v1/events/batch", { events: [event, event] });
    expect(res.status).toBe(202);
    const dead = await notificationOf(res.body.results[0].eventId);
    expect(calls.get(dead.id)).toBe(2);
    expect(await herald.worker!.deps.queues.get("email").getJob(dead.id)).toBeUndefined();

    const retried = await herald.call("POST", `/v1/dead-letters/${dead.id}/retry`);
    expect(retried.status).toBe(202);
    const job = await eventually(async () => {
      const queue = herald.worker!.deps.queues.get("email");
      // The state first, then the job: a job read while its last attempt ran shows the attempt
      // before (a clean-clone CI run, 2026-12-07 13:59, read attemptsMade 1 of a failed job).
      return (await queue.getJobState(dead.id)) === "failed" ? await queue.getJob(dead.id) : null;
    });
    expect((await herald.call("GET", `/v1/notifications/${dead.id}`)).body.status).toBe("DEAD");
    // Two more, as the e-mail schedule says: not the four of the default schedule, nor the
    // attempts the job was given.
    expect(calls.get(dead.id)).toBe(4);
    expect(job.attemptsMade).toBe(2);
  });

  it("dies in its critical lane for a critical type, and a discard takes the failed job out of that lane", async () => {
    const res = await herald.call("POST", "/v1/events", {
      type: "password_reset",
      userId: "sched",
      channels: ["email"],
      data: { resetUrl: "https://example.com/r/1", expiresInMinutes: 30 },
    });
    const dead = await notificationOf(res.body.eventId);
    const lane = herald.worker!.deps.queues.get("email", "critical");
    expect(await (await lane.getJob(dead.id))?.getState()).toBe("failed");
    expect((await herald.call("DELETE", `/v1/dead-letters/${dead.id}`)).status).toBe(200);
    expect(await lane.getJob(dead.id)).toBeUndefined();
  });
});
