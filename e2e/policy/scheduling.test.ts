import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

let herald: Herald;
beforeAll(async () => {
  herald = await startHerald();
  await herald.call("PUT", "/v1/users/sam", { email: "sam@example.com" });
});
afterAll(() => herald.close());

const HOUR = 3_600_000;
const order = {
  orderId: "A-9",
  total: 12,
  currency: "EUR",
  items: [{ name: "Mug", quantity: 1, price: 12 }],
};

/** Triggers an order e-mail for `sendAt` and returns the e-mail notification once routed. */
async function schedule(sendAt: Date, userId = "sam") {
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    channels: ["email"],
    data: order,
    sendAt: sendAt.toISOString(),
  });
  expect(res.status).toBe(202);
  return eventually(async () => {
    const e = await herald.call("GET", `/v1/events/${res.body.eventId}`);
    return e.body.status === "routed" ? e.body.notifications[0] : null;
  });
}

const emailJob = (id: string) => herald.worker!.deps.queues.get("email").getJob(id);
const outbox = async (id: string) =>
  herald.db.sql`select id from outbox_messages where notification_id = ${id}`;
const status = async (id: string) => (await herald.call("GET", `/v1/notifications/${id}`)).body;

describe("scheduling: sendAt, cancel, reschedule", () => {
  it("holds a future sendAt as SCHEDULED on a delayed job, and sends a past one at once", async () => {
    const later = await schedule(new Date(Date.now() + HOUR));
    expect(later.status).toBe("SCHEDULED");
    const job = (await emailJob(later.id))!;
    expect(await job.getState()).toBe("delayed");
    expect(job.delay).toBeGreaterThan(HOUR - 30_000);
    expect(job.delay).toBeLessThanOrEqual(HOUR);

    const past = await schedule(new Date(Date.now() - HOUR));
    await eventually(async () => (await status(past.id)).status === "SENT");
    expect((await status(past.id)).timeline.map((t: { status: string }) => t.status)).toEqual([
      "PENDING",
      "QUEUED",
      "SENT",
    ]);
  });

  it("DELETE cancels a scheduled notification: its job is gone, a stale job sends nothing, a second cancel answers the same", async () => {
    const n = await schedule(new Date(Date.now() + HOUR));
    const res = await herald.call("DELETE", `/v1/notifications/${n.id}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("CANCELED");
    expect(await emailJob(n.id)).toBeUndefined();

    // A job that survived somewhere (a replica, an old copy) fires now: the worker must not send.
    await herald.worker!.deps.queues.add("email", "send", { notificationId: n.id }, { jobId: n.id });
    await eventually(async () => (await (await emailJob(n.id))?.getState()) === "completed");
    expect(await outbox(n.id)).toEqual([]);
    expect((await status(n.id)).status).toBe("CANCELED");

    // A client retrying after a lost answer gets the same answer, not a 409 that reads "sent".
    const again = await herald.call("DELETE", `/v1/notifications/${n.id}`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("CANCELED");
    expect(
      (await status(n.id)).timeline.filter((t: { status: string }) => t.status === "CANCELED"),
    ).toHaveLength(1);
    expect((await herald.call("DELETE", "/v1/notifications/ntf_00000000000000000000000000")).status).toBe(
      404,
    );
  });

  it("DELETE removes a critical notification's job from its channel's critical lane", async () => {
    const res = await herald.call("POST", "/v1/events", {
      type: "password_reset",
      userId: "sam",
      channels: ["email"],
      data: { resetUrl: "https://example.com/r/1", expiresInMinutes: 30 },
      sendAt: new Date(Date.now() + HOUR).toISOString(),
    });
    const n = await eventually(async () => {
      const e = await herald.call("GET", `/v1/events/${res.body.eventId}`);
      return e.body.status === "routed" ? e.body.notifications[0] : null;
    });
    const lane = herald.worker!.deps.queues.get("email", "critical");
    expect(await (await lane.getJob(n.id))?.getState()).toBe("delayed");
    expect((await herald.call("DELETE", `/v1/notifications/${n.id}`)).status).toBe(200);
    expect(await lane.getJob(n.id)).toBeUndefined();
  });

  it("PATCH moves the delayed job to the new time; a time in the past sends at once", async () => {
    const n = await schedule(new Date(Date.now() + HOUR));
    const target = new Date(Date.now() + 3 * HOUR);
    const res = await herald.call("PATCH", `/v1/notifications/${n.id}`, { sendAt: target.toISOString() });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("SCHEDULED");
    expect(res.body.scheduledAt).toBe(target.toISOString());
    const job = (await emailJob(n.id))!;
    expect(await job.getState()).toBe("delayed");
    expect(job.delay).toBeGreaterThan(3 * HOUR - 30_000);
    expect(job.delay).toBeLessThanOrEqual(3 * HOUR);
    const rescheduled = (await status(n.id)).timeline.at(-1);
    expect(rescheduled).toMatchObject({ status: "SCHEDULED", detail: { scheduledAt: target.toISOString() } });
    // The time it had, in the same form as the new one.
    expect(rescheduled.detail.rescheduledFrom).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await outbox(n.id)).toEqual([]);

    const asked = Date.now();
    const now = await herald.call("PATCH", `/v1/notifications/${n.id}`, {
      sendAt: new Date(asked - 60_000).toISOString(),
    });
    expect(now.status).toBe(200);
    // Released now: its scheduledAt says when, not the past time asked for.
    expect(Date.parse(now.body.scheduledAt)).toBeGreaterThanOrEqual(asked - 1000);
    await eventually(async () => (await status(n.id)).status === "SENT");
    expect(await outbox(n.id)).toHaveLength(1);
    expect((await status(n.id)).timeline.map((t: { status: string }) => t.status)).toEqual([
      "PENDING",
      "SCHEDULED",
      "SCHEDULED",
      "QUEUED",
      "SENT",
    ]);

    // Too late now: it was sent.
    const late = await herald.call("PATCH", `/v1/notifications/${n.id}`, { sendAt: target.toISOString() });
    expect(late.status).toBe(409);
  });

  // The job is released the moment it is promoted: a worker that loads the row before the API
  // records QUEUED must still withdraw it, not leave it QUEUED with its job completed.
  it("PATCH to now of one whose address was suppressed meanwhile: it ends SUPPRESSED, never stuck QUEUED", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const userId = `moved-${i}`;
      await herald.call("PUT", `/v1/users/${userId}`, { email: `moved-${i}@example.com` });
      const n = await schedule(new Date(Date.now() + HOUR), userId);
      expect(n.status).toBe("SCHEDULED");
      const suppressed = await herald.call("POST", `/v1/users/${userId}/suppressions`, { channel: "email" });
      expect(suppressed.status).toBe(201);
      const res = await herald.call("PATCH", `/v1/notifications/${n.id}`, {
        sendAt: new Date().toISOString(),
      });
      expect(res.status).toBe(200);
      ids.push(n.id);
    }
    for (const id of ids) {
      await eventually(async () => (await status(id)).status === "SUPPRESSED", 10_000);
      expect((await status(id)).reason).toBe("bounced_address");
      expect(await outbox(id)).toEqual([]);
    }
  });

  it("replaces a lost job when rescheduling", async () => {
    const n = await schedule(new Date(Date.now() + HOUR));
    await (await emailJob(n.id))!.remove();
    const target = new Date(Date.now() + 2 * HOUR);
    const res = await herald.call("PATCH", `/v1/notifications/${n.id}`, { sendAt: target.toISOString() });
    expect(res.status).toBe(200);
    const job = (await emailJob(n.id))!;
    expect(await job.getState()).toBe("delayed");
    expect(job.opts.priority).toBe(3);
  });

  it("answers 422 for a bad sendAt and 404 for an unknown notification", async () => {
    const n = await schedule(new Date(Date.now() + HOUR));
    const bad = await herald.call("PATCH", `/v1/notifications/${n.id}`, { sendAt: "tomorrow" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe("sendAt");
    const missing = await herald.call("PATCH", "/v1/notifications/ntf_00000000000000000000000000", {
      sendAt: new Date().toISOString(),
    });
    expect(missing.status).toBe(404);
  });
});
