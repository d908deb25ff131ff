import {
  getPreferences,
  listEventNotifications,
  mergePreferences,
  savePreferences,
  updatePreferences,
  upsertRecipient,
} from "@herald/db";
import { frequencyCapKey } from "@herald/jobs";
import { testQueuePrefix } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rescheduleDigests } from "../src/digest/reschedule-digests.ts";
import { type FrequencyCap, takeFrequencySlot } from "../src/router/frequency-cap.ts";
import { emit, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

// Friday 8 May 2026, noon UTC.
const clock = testClock("2026-05-08T12:00:00Z");
let w: TestWorker;
beforeAll(async () => {
  w = await createTestWorker({ FREQUENCY_CAPS: "marketing:email:1/12h" }, { now: clock.now });
});
afterAll(() => w.close());

const HOUR = 3_600_000;

/** The outcome of a weekly promo's e-mail, as `STATUS:reason`. */
async function promo(userId: string, sendAt?: string): Promise<string> {
  const id = await emit(w, { type: "weekly_promo", userId, ...(sendAt ? { sendAt: new Date(sendAt) } : {}) });
  const email = (await routed(w, id)).notifications.find((n) => n.channel === "email")!;
  return `${email.status}:${email.reason ?? ""}`.replace(/^(QUEUED|SENT):/, "ok:");
}

describe("frequency caps count a notification when it goes out (FREQUENCY_CAPS=marketing:email:1/12h)", () => {
  it("a campaign scheduled for Monday neither uses up Friday's slot nor leaves Monday's free", async () => {
    await upsertRecipient(w.deps.db, "fay", { email: "fay@example.com", timezone: "UTC" });
    clock.set("2026-05-08T12:00:00Z");
    expect(await promo("fay", "2026-05-11T10:00:00Z")).toBe("SCHEDULED:");
    clock.advance(60_000);
    expect(await promo("fay")).toBe("ok:");
    // Monday 10:00: the scheduled one goes out now, so another would be the second within 12 hours.
    clock.set("2026-05-11T10:00:00Z");
    expect(await promo("fay")).toBe("SUPPRESSED:frequency_cap");
    // Nor may one scheduled just before it: the span of 12 hours after it holds both.
    clock.set("2026-05-10T12:00:00Z");
    expect(await promo("fay", "2026-05-11T04:00:00Z")).toBe("SUPPRESSED:frequency_cap");
    // Twelve hours after it, the slot is free again.
    clock.set("2026-05-11T22:00:00Z");
    expect(await promo("fay")).toBe("ok:");
  });

  it("counts one held by quiet hours at their end, not when it was routed", async () => {
    const r = await upsertRecipient(w.deps.db, "quin", { email: "quin@example.com", timezone: "UTC" });
    const quietHours = { start: "22:00", end: "07:00" };
    await savePreferences(
      w.deps.db,
      r.id,
      mergePreferences(await getPreferences(w.deps.db, r.id), { quietHours }),
    );
    clock.set("2026-05-07T18:00:00Z");
    expect(await promo("quin")).toBe("ok:");
    // 23:00: held until 07:00, 13 hours after the 18:00 one; counted at 18:00 it would be capped.
    clock.set("2026-05-07T23:00:00Z");
    expect(await promo("quin")).toBe("SCHEDULED:quiet_hours");
    // 08:00 is within 12 hours of the 07:00 send.
    clock.set("2026-05-08T08:00:00Z");
    expect(await promo("quin")).toBe("SUPPRESSED:frequency_cap");
  });
});

describe("a hold for quiet hours that moves is counted at its new time (FREQUENCY_CAPS=marketing:email:1/12h)", () => {
  const quietUser = async (userId: string) => {
    const r = await upsertRecipient(w.deps.db, userId, { email: `${userId}@example.com`, timezone: "UTC" });
    await updatePreferences(w.deps.db, r.id, { quietHours: { start: "22:00", end: "07:00" } });
    return r;
  };
  const slotOf = async (recipientId: string, eventId: string) => {
    const score = await w.deps.redis.zscore(
      frequencyCapKey(w.deps.env.queuePrefix, recipientId, "marketing", "email"),
      eventId,
    );
    return score === null ? null : new Date(Number(score)).toISOString();
  };
  const emailOf = async (eventId: string) =>
    (await listEventNotifications(w.deps.db, eventId)).find((n) => n.channel === "email")!;

  it("released earlier when the quiet hours go, as far as the cap allows, and counted then", async () => {
    const hal = await quietUser("hal");
    clock.set("2026-05-01T23:00:00Z");
    const held = await emit(w, { type: "weekly_promo", userId: "hal" });
    expect((await emailOf((await routed(w, held)).event.id)).reason).toBe("quiet_hours");
    expect(await slotOf(hal.id, held)).toBe("2026-05-02T07:00:00.000Z");

    clock.set("2026-05-01T23:30:00Z");
    await updatePreferences(w.deps.db, hal.id, { quietHours: null });
    expect((await rescheduleDigests(w.deps, hal.id)).held).toBe(1);
    expect(await slotOf(hal.id, held)).toBe("2026-05-01T23:30:00.000Z");
    // Twelve hours after 23:30, not after 07:00.
    clock.set("2026-05-02T11:45:00Z");
    expect(await promo("hal")).toBe("ok:");

    // Ida got one at 18:00: released at 23:30 hers would be the second within 12 hours, so it
    // keeps 07:00, where it fits.
    const ida = await quietUser("ida");
    await updatePreferences(w.deps.db, ida.id, { quietHours: null });
    clock.set("2026-05-03T18:00:00Z");
    expect(await promo("ida")).toBe("ok:");
    await updatePreferences(w.deps.db, ida.id, { quietHours: { start: "22:00", end: "07:00" } });
    clock.set("2026-05-03T23:00:00Z");
    const kept = await emit(w, { type: "weekly_promo", userId: "ida" });
    await routed(w, kept);
    clock.set("2026-05-03T23:30:00Z");
    await updatePreferences(w.deps.db, ida.id, { quietHours: null });
    expect((await rescheduleDigests(w.deps, ida.id)).held).toBe(0);
    const n = await emailOf(kept);
    expect([n.status, n.scheduledAt?.toISOString()]).toEqual(["SCHEDULED", "2026-05-04T07:00:00.000Z"]);
    expect(await slotOf(ida.id, kept)).toBe("2026-05-04T07:00:00.000Z");
  });

  it("moved later into a full window, it is suppressed as the router would, and its slot given back", async () => {
    const r = await quietUser("jo");
    clock.set("2026-05-05T10:00:00Z");
    // Outside quiet hours, scheduled for 19:30 tomorrow: 12.5 hours after a 07:00 send.
    expect(await promo("jo", "2026-05-06T19:30:00Z")).toBe("SCHEDULED:");
    clock.set("2026-05-05T23:00:00Z");
    const held = await emit(w, { type: "weekly_promo", userId: "jo" });
    expect((await emailOf((await routed(w, held)).event.id)).scheduledAt?.toISOString()).toBe(
      "2026-05-06T07:00:00.000Z",
    );

    // Until 08:00: 11.5 hours before the 19:30 one.
    await updatePreferences(w.deps.db, r.id, { quietHours: { start: "22:00", end: "08:00" } });
    expect((await rescheduleDigests(w.deps, r.id)).held).toBe(1);
    const n = await emailOf(held);
    expect([n.status, n.reason]).toEqual(["SUPPRESSED", "frequency_cap"]);
    expect(await slotOf(r.id, held)).toBeNull();
    expect(await w.deps.queues.get("email").getJob(n.id)).toBeUndefined();
  });
});

describe("the cap script", () => {
  const prefix = testQueuePrefix();
  const at = (iso: string) => new Date(iso);
  const take = (caps: FrequencyCap[], member: string, now: string, dueAt = now) =>
    takeFrequencySlot(w.deps.redis, prefix, caps, {
      recipientId: "usr_script",
      category: "marketing",
      channel: "email",
      member,
      now: at(now),
      dueAt: at(dueAt),
    });
  const twoPerDay: FrequencyCap[] = [
    { category: "marketing", channel: "email", max: 2, windowMs: 24 * HOUR },
  ];
  const key = frequencyCapKey(prefix, "usr_script", "marketing", "email");

  it("refuses only when some span of the window holding the new send is full", async () => {
    // 44 hours apart: no day holds both, so one between them fits (any day with it holds two).
    expect(await take(twoPerDay, "sun", "2026-05-03T12:00:00Z")).toBe(true);
    expect(await take(twoPerDay, "tue", "2026-05-03T12:00:00Z", "2026-05-05T08:00:00Z")).toBe(true);
    expect(await take(twoPerDay, "mon", "2026-05-04T10:00:00Z")).toBe(true);
    // An hour later: the day from Monday 10:00 would hold three.
    expect(await take(twoPerDay, "mon-2", "2026-05-04T11:00:00Z")).toBe(false);
    // The same event again (a re-run) is still counted once, and allowed.
    expect(await take(twoPerDay, "mon", "2026-05-04T11:00:00Z")).toBe(true);
    expect(await w.deps.redis.zcard(key)).toBe(3);
  });

  it("forgets only what no later send can share a window with, and keeps the key until then", async () => {
    await w.deps.redis.del(key);
    expect(await take(twoPerDay, "later", "2026-06-01T00:00:00Z", "2026-06-11T00:00:00Z")).toBe(true);
    expect(await take(twoPerDay, "now", "2026-06-02T00:00:00Z")).toBe(true);
    // Five days on, "now" is too old to matter; "later" (still ahead) is kept.
    expect(await take(twoPerDay, "then", "2026-06-07T00:00:00Z")).toBe(true);
    expect(await w.deps.redis.zrange(key, "0", "-1")).toEqual(["then", "later"]);
    // Its time-to-live runs from the script's clock: four days to "later", plus a day's window.
    expect(await w.deps.redis.pttl(key)).toBeGreaterThan(5 * 24 * HOUR);
  });
});
