import {
  DEFAULT_PREFERENCES,
  getNotification,
  getPreferences,
  getRecipientById,
  getTimeline,
  mergePreferences,
  type Preferences,
  rescheduleNotification,
  savePreferences,
  updatePreferences,
  upsertRecipient,
} from "@herald/db";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescheduleDigests } from "../src/digest/reschedule-digests.ts";
import { emit, outboxFor, reaches, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const clock = testClock("2026-01-15T08:00:00Z");
let w: TestWorker;
beforeAll(async () => {
  w = await createTestWorker({}, { now: clock.now });
});
afterAll(() => w.close());

async function newYorker(userId: string, patch: Partial<Preferences>) {
  const r = await upsertRecipient(w.deps.db, userId, {
    email: `${userId}@example.com`,
    phone: "+14155550100",
    timezone: "America/New_York",
  });
  await savePreferences(w.deps.db, r.id, mergePreferences(await getPreferences(w.deps.db, r.id), patch));
  return r;
}

const HOUR = 3_600_000;

describe("quiet hours (issue 5, done-when 2)", () => {
  it("holds a normal notification sent at 03:00 New York time until 07:00 there; a critical one goes at once", async () => {
    clock.set("2026-01-15T08:00:00Z"); // 03:00 EST
    await newYorker("nina", { ...DEFAULT_PREFERENCES, quietHours: { start: "22:00", end: "07:00" } });

    const normal = await emit(w, { type: "order_placed", userId: "nina" });
    const critical = await emit(w, { type: "password_reset", userId: "nina" });

    // Critical: sent at once, at 03:00 local, on both its channels.
    for (const channel of ["email", "sms"]) {
      const n = await reaches(w, critical, channel, "SENT");
      expect(n.sentAt?.toISOString()).toBe("2026-01-15T08:00:00.000Z");
    }

    const { notifications } = await routed(w, normal);
    const byChannel = Object.fromEntries(notifications.map((n) => [n.channel, n]));
    for (const channel of ["email", "sms"]) {
      const n = byChannel[channel]!;
      expect(n.status).toBe("SCHEDULED");
      expect(n.reason).toBe("quiet_hours");
      expect(n.scheduledAt?.toISOString()).toBe("2026-01-15T12:00:00.000Z"); // 07:00 EST
      const job = await w.deps.queues.get(channel as "email").getJob(n.id);
      expect(await job!.getState()).toBe("delayed");
      expect(job!.delay).toBe(4 * HOUR);
    }
    // In-app interrupts nobody and is not held (QUIET_HOURS_CHANNELS default push,email,sms).
    expect((await reaches(w, normal, "in_app", "SENT")).sentAt?.toISOString()).toBe(
      "2026-01-15T08:00:00.000Z",
    );
    expect(await outboxFor(w, [byChannel.email!.id, byChannel.sms!.id])).toEqual([]);

    // 07:00 local: BullMQ's delay is wall-clock time, so move our clock and release the job ourselves.
    clock.set("2026-01-15T12:00:00Z");
    await (await w.deps.queues.get("email").getJob(byChannel.email!.id))!.promote();
    const sent = await reaches(w, normal, "email", "SENT");
    expect(sent.sentAt?.toISOString()).toBe("2026-01-15T12:00:00.000Z");
    expect((await getTimeline(w.deps.db, sent.id)).map((t) => [t.status, t.detail])).toEqual([
      ["PENDING", null],
      ["SCHEDULED", { reason: "quiet_hours" }],
      ["SENT", expect.objectContaining({ provider: "outbox" })],
    ]);
    expect(await outboxFor(w, [sent.id])).toHaveLength(1);
  });

  it("holds nothing outside quiet hours, and uses the quiet hours' own zone when given", async () => {
    clock.set("2026-01-15T15:00:00Z"); // 10:00 in New York, 16:00 in Paris
    await newYorker("paul", { quietHours: { start: "15:00", end: "17:30", timezone: "Europe/Paris" } });
    const id = await emit(w, { type: "order_placed", userId: "paul", channels: ["email"] });
    const n = (await routed(w, id)).notifications[0]!;
    expect(n.status).toBe("SCHEDULED");
    expect(n.scheduledAt?.toISOString()).toBe("2026-01-15T16:30:00.000Z"); // 17:30 CET

    clock.set("2026-01-15T17:00:00Z"); // 18:00 in Paris: quiet hours are over
    const later = await emit(w, { type: "order_placed", userId: "paul", channels: ["email"] });
    expect((await reaches(w, later, "email", "SENT")).scheduledAt).toBeNull();
  });

  it("lets an event raise its type's priority to critical, which skips quiet hours and keeps the queue rank", async () => {
    clock.set("2026-01-15T08:00:00Z");
    await newYorker("olga", { quietHours: { start: "22:00", end: "07:00" } });
    const id = await emit(w, {
      type: "order_placed",
      userId: "olga",
      channels: ["email"],
      priority: "critical",
    });
    const n = await reaches(w, id, "email", "SENT");
    expect(n.priority).toBe("critical");
    expect(n.scheduledAt).toBeNull();

    // And a low override lands as a low-priority job while it waits for the morning.
    const low = await emit(w, { type: "order_placed", userId: "olga", channels: ["email"], priority: "low" });
    const held = (await routed(w, low)).notifications[0]!;
    expect(held.priority).toBe("low");
    expect((await w.deps.queues.get("email").getJob(held.id))!.opts.priority).toBe(4);
  });

  it("never holds a critical type, even sent with a lower priority (which only sets its queue rank)", async () => {
    clock.set("2026-01-15T08:00:00Z"); // 03:00 EST
    await newYorker("pia", { quietHours: { start: "22:00", end: "07:00" } });
    const id = await emit(w, {
      type: "password_reset",
      userId: "pia",
      channels: ["email"],
      priority: "high",
    });
    const n = await reaches(w, id, "email", "SENT");
    expect(n.priority).toBe("high");
    expect(n.scheduledAt).toBeNull();
    expect(n.sentAt?.toISOString()).toBe("2026-01-15T08:00:00.000Z");
  });

  it("sends a sendAt that falls in quiet hours when they end", async () => {
    clock.set("2026-01-15T15:00:00Z"); // 10:00 EST
    await newYorker("quinn", { quietHours: { start: "22:00", end: "07:00" } });
    const id = await emit(w, {
      type: "order_placed",
      userId: "quinn",
      channels: ["email"],
      sendAt: new Date("2026-01-16T04:00:00Z"), // 23:00 EST
    });
    const n = (await routed(w, id)).notifications[0]!;
    expect(n.status).toBe("SCHEDULED");
    expect(n.scheduledAt?.toISOString()).toBe("2026-01-16T12:00:00.000Z"); // 07:00 EST next morning
  });
});

describe("held notifications follow a change of quiet hours or time zone", () => {
  const heldEmail = async (userId: string, extra: { sendAt?: Date } = {}) => {
    const id = await emit(w, { type: "order_placed", userId, channels: ["email"], ...extra });
    const n = (await routed(w, id)).notifications[0]!;
    expect([n.status, n.reason]).toEqual(["SCHEDULED", "quiet_hours"]);
    return { eventId: id, n };
  };
  const emailJob = (id: string) => w.deps.queues.get("email").getJob(id);
  const row = async (id: string) => (await getNotification(w.deps.db, id))!;

  it("quiet hours removed: what they held goes at once, with a timeline entry, and the user's mark is cleared", async () => {
    clock.set("2026-01-15T08:00:00Z"); // 03:00 EST
    const r = await newYorker("rosa", { quietHours: { start: "22:00", end: "07:00" } });
    const { eventId, n } = await heldEmail("rosa");
    expect(n.scheduledAt?.toISOString()).toBe("2026-01-15T12:00:00.000Z");

    clock.set("2026-01-15T08:30:00Z");
    // What PUT /v1/users/rosa/preferences writes (and marks), then the job it adds.
    await updatePreferences(w.deps.db, r.id, { quietHours: null });
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 1 });

    const sent = await reaches(w, eventId, "email", "SENT");
    expect(sent.sentAt?.toISOString()).toBe("2026-01-15T08:30:00.000Z");
    expect((await getTimeline(w.deps.db, n.id)).map((t) => [t.status, t.detail])).toEqual([
      ["PENDING", null],
      ["SCHEDULED", { reason: "quiet_hours" }],
      [
        "SCHEDULED",
        {
          reason: "quiet_hours",
          by: "preferences",
          rescheduledFrom: "2026-01-15T12:00:00.000Z",
          scheduledAt: "2026-01-15T08:30:00.000Z",
        },
      ],
      ["SENT", expect.objectContaining({ provider: "outbox" })],
    ]);
    expect(await outboxFor(w, [n.id])).toHaveLength(1);
    expect((await getRecipientById(w.deps.db, r.id))!.digestsUnsettledSince).toBeNull();
  });

  it("quiet hours extended: moved to their new end, its delayed job with it (the reschedule job the API adds)", async () => {
    clock.set("2026-01-15T08:00:00Z"); // 03:00 EST
    const r = await newYorker("sven", { quietHours: { start: "22:00", end: "07:00" } });
    const { n } = await heldEmail("sven");
    await updatePreferences(w.deps.db, r.id, { quietHours: { start: "22:00", end: "09:00" } });
    await w.deps.queues.add("digest", "reschedule", { recipientId: r.id });
    await eventually(async () =>
      (await row(n.id)).scheduledAt?.toISOString() === "2026-01-15T14:00:00.000Z" ? true : null,
    );
    const job = (await emailJob(n.id))!;
    expect(await job.getState()).toBe("delayed");
    expect(job.delay).toBe(6 * HOUR);
    expect(await outboxFor(w, [n.id])).toEqual([]);
  });

  it("a new time zone moves them too (PUT /v1/users/:userId): 08:00 in London is no quiet hour", async () => {
    clock.set("2026-01-15T08:00:00Z"); // 03:00 EST
    const r = await newYorker("tim", { quietHours: { start: "22:00", end: "07:00" } });
    const { eventId } = await heldEmail("tim");
    await upsertRecipient(w.deps.db, "tim", { timezone: "Europe/London" });
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 1 });
    expect((await reaches(w, eventId, "email", "SENT")).sentAt?.toISOString()).toBe(
      "2026-01-15T08:00:00.000Z",
    );
  });

  it("never releases one before the sendAt it also had", async () => {
    clock.set("2026-01-15T08:00:00Z"); // 03:00 EST
    const r = await newYorker("uma", { quietHours: { start: "22:00", end: "07:00" } });
    const { n } = await heldEmail("uma", { sendAt: new Date("2026-01-15T10:00:00Z") }); // 05:00 EST
    expect(n.scheduledAt?.toISOString()).toBe("2026-01-15T12:00:00.000Z");
    await updatePreferences(w.deps.db, r.id, { quietHours: null });
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 1 });
    expect((await row(n.id)).scheduledAt?.toISOString()).toBe("2026-01-15T10:00:00.000Z");
    expect((await emailJob(n.id))!.delay).toBe(2 * HOUR);
  });

  it("leaves alone what quiet hours did not hold: an explicit sendAt, one the app rescheduled", async () => {
    clock.set("2026-01-15T15:00:00Z"); // 10:00 EST
    const r = await newYorker("vera", { quietHours: { start: "22:00", end: "07:00" } });
    const at = await emit(w, {
      type: "order_placed",
      userId: "vera",
      channels: ["email"],
      sendAt: new Date("2026-01-15T20:00:00Z"), // 15:00 EST
    });
    const explicit = (await routed(w, at)).notifications[0]!;
    expect([explicit.status, explicit.reason]).toEqual(["SCHEDULED", null]);
    clock.set("2026-01-16T04:00:00Z"); // 23:00 EST
    const { n: patched } = await heldEmail("vera");
    // PATCH /v1/notifications/:id: the app's own time now.
    expect(await rescheduleNotification(w.deps.db, patched.id, new Date("2026-01-16T13:00:00Z"))).toBe(true);
    expect((await row(patched.id)).reason).toBeNull();

    await updatePreferences(w.deps.db, r.id, { quietHours: { start: "14:00", end: "16:00" } });
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 0 });
    expect((await row(explicit.id)).scheduledAt?.toISOString()).toBe("2026-01-15T20:00:00.000Z");
    expect((await row(patched.id)).scheduledAt?.toISOString()).toBe("2026-01-16T13:00:00.000Z");
  });

  it("a release that fires inside quiet hours changed since (their move lost) is held again until they end, then sent once", async () => {
    clock.set("2026-01-15T08:00:00Z"); // 03:00 EST
    const r = await newYorker("wade", { quietHours: { start: "22:00", end: "07:00" } });
    const { eventId, n } = await heldEmail("wade");
    // Changed with no move after it: its job never reached Redis, or has not run yet.
    await savePreferences(
      w.deps.db,
      r.id,
      mergePreferences(await getPreferences(w.deps.db, r.id), {
        quietHours: { start: "22:00", end: "09:00" },
      }),
    );

    clock.set("2026-01-15T12:00:00Z"); // 07:00 EST: the old end, inside the new quiet hours
    await (await emailJob(n.id))!.promote();
    await eventually(async () =>
      (await row(n.id)).scheduledAt?.toISOString() === "2026-01-15T14:00:00.000Z" ? true : null,
    );
    await eventually(async () => ((await (await emailJob(n.id))!.getState()) === "delayed" ? true : null));
    expect((await getTimeline(w.deps.db, n.id)).at(-1)).toMatchObject({
      status: "SCHEDULED",
      detail: { by: "release", rescheduledFrom: "2026-01-15T12:00:00.000Z" },
    });
    expect(await outboxFor(w, [n.id])).toEqual([]);

    clock.set("2026-01-15T14:00:00Z"); // 09:00 EST
    await (await emailJob(n.id))!.promote();
    expect((await reaches(w, eventId, "email", "SENT")).sentAt?.toISOString()).toBe(
      "2026-01-15T14:00:00.000Z",
    );
    expect(await outboxFor(w, [n.id])).toHaveLength(1);
  });

  it("the move and the release at the same moment: held to the new end, one timeline entry, sent once", async () => {
    clock.set("2026-01-15T08:00:00Z");
    const r = await newYorker("yann", { quietHours: { start: "22:00", end: "07:00" } });
    const { eventId, n } = await heldEmail("yann");
    await updatePreferences(w.deps.db, r.id, { quietHours: { start: "22:00", end: "09:00" } });
    clock.set("2026-01-15T12:00:00Z"); // 07:00 EST: the old end
    // Whichever takes the row's lock first, the other finds it moved.
    await Promise.all([(await emailJob(n.id))!.promote(), rescheduleDigests(w.deps, r.id)]);
    await eventually(async () => ((await (await emailJob(n.id))!.getState()) === "delayed" ? true : null));
    expect((await row(n.id)).scheduledAt?.toISOString()).toBe("2026-01-15T14:00:00.000Z");
    const moves = (await getTimeline(w.deps.db, n.id)).filter((t) => t.detail?.rescheduledFrom);
    expect(moves).toHaveLength(1);
    expect(await outboxFor(w, [n.id])).toEqual([]);

    clock.set("2026-01-15T14:00:00Z");
    await (await emailJob(n.id))!.promote();
    await reaches(w, eventId, "email", "SENT");
    expect(await outboxFor(w, [n.id])).toHaveLength(1);
  });

  it("a held notification whose job was lost gets one again at its new time, and goes once", async () => {
    clock.set("2026-01-15T08:00:00Z");
    const r = await newYorker("xena", { quietHours: { start: "22:00", end: "07:00" } });
    const { eventId, n } = await heldEmail("xena");
    await (await emailJob(n.id))!.remove();
    await updatePreferences(w.deps.db, r.id, { quietHours: { start: "22:00", end: "08:00" } });
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 1 });
    const job = (await emailJob(n.id))!;
    expect(await job.getState()).toBe("delayed");
    expect(job.delay).toBe(5 * HOUR);

    await updatePreferences(w.deps.db, r.id, { quietHours: null });
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 1 });
    await reaches(w, eventId, "email", "SENT");
    expect(await outboxFor(w, [n.id])).toHaveLength(1);
  });
});
