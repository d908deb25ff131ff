import { getNotification, listEventNotifications, sql } from "@herald/db";
import type { NotificationStatus } from "@herald/domain";
import { eventually } from "@herald/testkit";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendNotification } from "../src/channels/send-notification.ts";
import type { ChannelSender } from "../src/providers/provider.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const calls: string[] = [];
const email: ChannelSender = {
  channel: "email",
  providers: ["counting"],
  async send(ctx) {
    calls.push(ctx.notification.id);
    return { provider: "counting", providerMessageId: `m-${calls.length}` };
  },
};

let worker: TestWorker;
beforeAll(async () => {
  // Only the router runs: the test calls the send step itself.
  worker = await createTestWorker({ WORKER_CHANNELS: "events" }, { senders: { email } });
});
afterAll(() => worker.close());

/** A job as BullMQ hands it to the processor (first attempt). */
const jobFor = (notificationId: string) =>
  ({ data: { notificationId }, attemptsMade: 0, opts: { attempts: 4 } }) as unknown as Job;

describe("a send job is idempotent", () => {
  const skipped: NotificationStatus[] = [
    "SENT",
    "DELIVERED",
    "READ",
    "CANCELED",
    "SUPPRESSED",
    "DIGESTED",
    "BOUNCED",
    "COMPLAINED",
  ];

  it.each(skipped)("does not call the provider for a %s notification", async (status) => {
    const eventId = await worker.trigger("order_placed", `idem-${status.toLowerCase()}`, {
      channels: ["email"],
    });
    const n = await eventually(async () => (await listEventNotifications(worker.deps.db, eventId))[0]);
    await worker.deps.db.execute(sql`update notifications set status = ${status} where id = ${n.id}`);
    const before = calls.length;
    const outcome = await sendNotification(worker.deps, "email", jobFor(n.id));
    expect(outcome).toEqual({ status: "SKIPPED", current: status });
    expect(calls.length).toBe(before);
  });

  it("sends a QUEUED one once, and a second run of the same job sends nothing", async () => {
    const eventId = await worker.trigger("order_placed", "idem-twice", { channels: ["email"] });
    const n = await eventually(async () => (await listEventNotifications(worker.deps.db, eventId))[0]);
    expect(await sendNotification(worker.deps, "email", jobFor(n.id))).toEqual({
      status: "SENT",
      provider: "counting",
    });
    expect(await sendNotification(worker.deps, "email", jobFor(n.id))).toEqual({
      status: "SKIPPED",
      current: "SENT",
    });
    expect(calls.filter((id) => id === n.id)).toHaveLength(1);
    expect((await getNotification(worker.deps.db, n.id))?.providerMessageId).toBe(`m-${calls.length}`);
  });
});
