import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

let herald: Herald;
beforeAll(async () => {
  herald = await startHerald();
});
afterAll(() => herald?.close());

const HOUR = 3_600_000;
/** UTC wall-clock time `ms` after `base`, as quiet hours take it. */
const utc = (base: number, ms: number) => new Date(base + ms).toISOString().slice(11, 16);

/** A user in UTC whose quiet hours run from an hour before `base` (default now) to two hours after. */
async function quietUser(userId: string, base = Date.now()) {
  expect(
    (await herald.call("PUT", `/v1/users/${userId}`, { email: `${userId}@example.com`, timezone: "UTC" }))
      .status,
  ).toBe(200);
  const quietHours = { start: utc(base, -HOUR), end: utc(base, 2 * HOUR) };
  expect((await herald.call("PUT", `/v1/users/${userId}/preferences`, { quietHours })).status).toBe(200);
}

/** An order e-mail for `userId`, held for their quiet hours. */
async function heldEmail(userId: string) {
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    channels: ["email"],
    data: catalog.order_placed.example,
  });
  expect(res.status).toBe(202);
  const n = await eventually(async () => {
    const e = (await herald.call("GET", `/v1/events/${res.body.eventId}`)).body;
    return e.status === "routed" ? e.notifications[0] : null;
  });
  expect([n.status, n.reason]).toEqual(["SCHEDULED", "quiet_hours"]);
  return n as { id: string; scheduledAt: string };
}

const notification = async (id: string) => (await herald.call("GET", `/v1/notifications/${id}`)).body;
const sent = (id: string) => eventually(async () => (await notification(id)).status === "SENT");

describe("held notifications follow the user's quiet hours and time zone", () => {
  it("PUT preferences without quiet hours sends what they held at once", async () => {
    await quietUser("quentin");
    const n = await heldEmail("quentin");
    const res = await herald.call("PUT", "/v1/users/quentin/preferences", { quietHours: null });
    expect(res.status).toBe(200);
    await sent(n.id);
    const moved = (await notification(n.id)).timeline.find(
      (t: { status: string; detail: { by?: string } | null }) =>
        t.status === "SCHEDULED" && t.detail?.by === "preferences",
    );
    expect(moved.detail.rescheduledFrom).toBe(n.scheduledAt);
  });

  it("quiet hours that end later move it to their new end", async () => {
    const base = Date.now();
    await quietUser("rita", base);
    const n = await heldEmail("rita");
    const quietHours = { start: utc(base, -HOUR), end: utc(base, 3 * HOUR) };
    expect((await herald.call("PUT", "/v1/users/rita/preferences", { quietHours })).status).toBe(200);
    const later = await eventually(async () => {
      const now = await notification(n.id);
      return now.scheduledAt !== n.scheduledAt ? now : null;
    });
    expect(Date.parse(later.scheduledAt) - Date.parse(n.scheduledAt)).toBe(HOUR);
    const job = await herald.worker!.deps.queues.get("email").getJob(n.id);
    expect(await job!.getState()).toBe("delayed");
    expect(job!.delay).toBeGreaterThan(3 * HOUR - 2 * 60_000);
  });

  it("PUT /v1/users with a time zone where the quiet hours are over sends it", async () => {
    await quietUser("sami");
    const n = await heldEmail("sami");
    // Kathmandu is UTC+5:45: the quiet hours' window there is long past, or not yet come.
    expect((await herald.call("PUT", "/v1/users/sami", { timezone: "Asia/Kathmandu" })).status).toBe(200);
    await sent(n.id);
  });

  it("leaves a held notification the app rescheduled where the app put it", async () => {
    await quietUser("tara");
    const patched = await heldEmail("tara");
    const sentinel = await heldEmail("tara");
    const at = new Date(Date.now() + HOUR).toISOString();
    const res = await herald.call("PATCH", `/v1/notifications/${patched.id}`, { sendAt: at });
    expect(res.status).toBe(200);
    expect(res.body.reason).toBeUndefined();

    expect((await herald.call("PUT", "/v1/users/tara/preferences", { quietHours: null })).status).toBe(200);
    // One move takes all of the user's holds: once the other one went, this one was passed over.
    await sent(sentinel.id);
    expect(await notification(patched.id)).toMatchObject({ status: "SCHEDULED", scheduledAt: at });
  });
});
