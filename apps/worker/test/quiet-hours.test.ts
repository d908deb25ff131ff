import {
  DEFAULT_PREFERENCES,
  getPreferences,
  getTimeline,
  mergePreferences,
  type Preferences,
  savePreferences,
  upsertRecipient,
} from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
