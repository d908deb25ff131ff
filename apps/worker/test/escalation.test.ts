import {
  DEFAULT_PREFERENCES,
  getNotification,
  getTimeline,
  markRead,
  savePreferences,
  updatePreferences,
  upsertDevice,
  upsertRecipient,
} from "@herald/db";
import { defineNotification, listNotificationTypes, type NotificationType } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { createElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { rescheduleDigests } from "../src/digest/reschedule-digests.ts";
import { emit, outboxFor, reaches, routed } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const AFTER_MS = 1000;

// A type of this file's own: push and in-app at once, the e-mail a second later unless one was read.
const invoiceDue = defineNotification({
  type: "invoice_due",
  description: "An invoice is due: the e-mail only if the push or the inbox item went unread.",
  category: "transactional",
  priority: "high",
  schema: z.object({ invoice: z.string() }),
  example: { invoice: "INV-7" },
  templates: {
    email: {
      subject: (d) => `Invoice ${d.invoice} is due`,
      component: ({ data: d }) => createElement("p", null, `Invoice ${d.invoice} is due`),
    },
    push: (d) => ({ title: "Invoice due", body: d.invoice }),
    in_app: (d) => ({ title: "Invoice due", body: d.invoice }),
  },
  escalation: { after: `${AFTER_MS}ms`, channels: ["email"] },
}) as NotificationType;

let w: TestWorker;
beforeAll(async () => {
  // The dev outbox on every channel (no provider credentials), and the real clock: the held
  // e-mail's delayed job fires in real time.
  w = await createTestWorker(
    // One transactional e-mail a day: a held e-mail suppressed for a read must give its slot back.
    { PUBLIC_URL: "https://herald.example", FREQUENCY_CAPS: "transactional:email:1/1d" },
    { catalog: [...listNotificationTypes(), invoiceDue] },
  );
});
afterAll(() => w.close());

async function customer(userId: string, withDevice = true) {
  const r = await upsertRecipient(w.deps.db, userId, { email: `${userId}@example.com` });
  if (withDevice)
    await upsertDevice(w.deps.db, r.id, { kind: "fcm", address: `fcm-token-${userId}-0123456789` });
  return r;
}

async function byChannel(eventId: string) {
  const { notifications } = await routed(w, eventId);
  const of = (channel: string) => notifications.find((n) => n.channel === channel)!;
  return { email: of("email"), push: of("push"), inApp: of("in_app"), all: notifications };
}

describe("escalation: the e-mail only if the in-app and push notifications went unread", () => {
  it("suppresses the held e-mail `read_elsewhere` when the in-app one is read first; nothing is sent", async () => {
    await customer("ines");
    const eventId = await emit(w, { type: "invoice_due", userId: "ines" });
    const { email, inApp } = await byChannel(eventId);
    expect(email.status).toBe("SCHEDULED");
    expect(email.reason).toBe("escalation");
    await reaches(w, eventId, "in_app", "SENT");
    expect(await markRead(w.deps.db, inApp.id)).toBe(true);

    const suppressed = await reaches(w, eventId, "email", "SUPPRESSED");
    expect(suppressed.reason).toBe("read_elsewhere");
    // Its time had come: the send job ran, found the read, and called no provider.
    expect(Date.now()).toBeGreaterThanOrEqual(email.scheduledAt!.getTime());
    expect(suppressed.sentAt).toBeNull();
    expect(suppressed.retryCount).toBe(0);
    expect(await outboxFor(w, [email.id])).toEqual([]);
    const timeline = await getTimeline(w.deps.db, email.id);
    expect(timeline.map((t) => [t.status, t.detail?.reason])).toEqual([
      ["PENDING", undefined],
      ["SCHEDULED", "escalation"],
      ["SUPPRESSED", "read_elsewhere"],
    ]);
    // The push went out as usual.
    expect((await reaches(w, eventId, "push", "SENT")).channel).toBe("push");
    // Its cap slot was given back: the next event's e-mail is held again, not capped.
    const next = await byChannel(await emit(w, { type: "invoice_due", userId: "ines" }));
    expect([next.email.status, next.email.reason]).toEqual(["SCHEDULED", "escalation"]);
  });

  it("sends the held e-mail once `after` has passed unread, and not before", async () => {
    await customer("otto");
    const before = Date.now();
    const eventId = await emit(w, { type: "invoice_due", userId: "otto" });
    const { email, inApp } = await byChannel(eventId);
    // Held `after` from the router's moment (this process's clock; the row's createdAt is taken
    // later, at its insert, which a loaded machine can delay by more than a few ms).
    expect(email.scheduledAt!.getTime()).toBeGreaterThanOrEqual(before + AFTER_MS);
    expect(email.scheduledAt!.getTime()).toBeLessThanOrEqual(Date.now() + AFTER_MS);
    await reaches(w, eventId, "in_app", "SENT");
    // Halfway: the in-app item is out, the e-mail still waits.
    await new Promise((r) =>
      setTimeout(r, Math.max(0, email.createdAt.getTime() + AFTER_MS / 2 - Date.now())),
    );
    expect((await getNotification(w.deps.db, email.id))!.status).toBe("SCHEDULED");
    expect(await outboxFor(w, [email.id])).toEqual([]);

    const sent = await reaches(w, eventId, "email", "SENT");
    expect(sent.sentAt!.getTime()).toBeGreaterThanOrEqual(email.scheduledAt!.getTime());
    expect(await outboxFor(w, [email.id])).toHaveLength(1);
    // A read after the e-mail went out changes nothing of it.
    await markRead(w.deps.db, inApp.id);
    expect((await getNotification(w.deps.db, email.id))!.status).toBe("SENT");
  });

  it("sends the e-mail at once when nothing else can be read: in-app turned off, no push device", async () => {
    const r = await customer("una", false);
    await savePreferences(w.deps.db, r.id, { ...DEFAULT_PREFERENCES, channels: { in_app: false } });
    const eventId = await emit(w, { type: "invoice_due", userId: "una" });
    const { event, notifications } = await routed(w, eventId);
    expect(event.suppressed).toEqual(
      expect.arrayContaining([
        { channel: "push", reason: "unreachable" },
        { channel: "in_app", reason: "opted_out" },
      ]),
    );
    expect(notifications.map((n) => [n.channel, n.scheduledAt])).toEqual([["email", null]]);
    const sent = await reaches(w, eventId, "email", "SENT");
    expect(sent.sentAt!.getTime() - sent.createdAt.getTime()).toBeLessThan(AFTER_MS);
  });

  it("counts `after` from a future sendAt, when the first channels go", async () => {
    await customer("sami");
    const sendAt = new Date(Date.now() + 60_000);
    const eventId = await emit(w, { type: "invoice_due", userId: "sami", sendAt });
    const { email, push, inApp } = await byChannel(eventId);
    expect([push.status, push.reason, push.scheduledAt]).toEqual(["SCHEDULED", null, sendAt]);
    expect([inApp.status, inApp.scheduledAt]).toEqual(["SCHEDULED", sendAt]);
    expect([email.status, email.reason, email.scheduledAt]).toEqual([
      "SCHEDULED",
      "escalation",
      new Date(sendAt.getTime() + AFTER_MS),
    ]);
  });

  it("holds the e-mail to the end of quiet hours its escalation time falls in, when that is later", async () => {
    const r = await customer("quincy");
    await savePreferences(w.deps.db, r.id, {
      ...DEFAULT_PREFERENCES,
      quietHours: { start: "22:00", end: "07:00", timezone: "UTC" },
    });
    // A day ahead, half a second before the quiet hours: the push goes then, the e-mail would go in them.
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const sendAt = new Date(`${day}T21:59:59.500Z`);
    const eventId = await emit(w, { type: "invoice_due", userId: "quincy", sendAt });
    const { email, push } = await byChannel(eventId);
    expect([push.status, push.reason, push.scheduledAt]).toEqual(["SCHEDULED", null, sendAt]);
    const morning = new Date(sendAt.getTime() + 9 * 3_600_000 + 500);
    expect([email.status, email.reason, email.scheduledAt]).toEqual(["SCHEDULED", "quiet_hours", morning]);

    // Quiet hours turned off: the e-mail is no longer held for them, but still waits `after` behind
    // the push (not released at the event's sendAt, as a plain quiet-hours hold would be).
    await updatePreferences(w.deps.db, r.id, { quietHours: null });
    expect(await rescheduleDigests(w.deps, r.id)).toEqual({ moved: 0, held: 1 });
    const moved = (await getNotification(w.deps.db, email.id))!;
    expect([moved.status, moved.scheduledAt]).toEqual(["SCHEDULED", new Date(sendAt.getTime() + AFTER_MS)]);
  });

  it("holds nothing back on an event raised to critical", async () => {
    await customer("cleo");
    const eventId = await emit(w, { type: "invoice_due", userId: "cleo", priority: "critical" });
    const { all } = await byChannel(eventId);
    expect(all.map((n) => [n.channel, n.status === "SCHEDULED"])).toEqual(
      expect.arrayContaining([
        ["email", false],
        ["push", false],
        ["in_app", false],
      ]),
    );
    await eventually(async () => {
      const rows = (await routed(w, eventId)).notifications;
      return rows.every((n) => n.status === "SENT") ? rows : null;
    });
  });
});
