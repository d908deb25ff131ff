import {
  getDigestOfNotification,
  getNotification,
  getPreferences,
  mergePreferences,
  savePreferences,
  upsertDevice,
  upsertRecipient,
} from "@herald/db";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushDigestWindow } from "../src/digest/flush-digest.ts";
import { emit, outboxFor, routed, testClock } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const clock = testClock("2026-03-10T07:00:00Z");
let w: TestWorker;
beforeAll(async () => {
  // The dev outbox on every channel that has one (no provider credentials given).
  w = await createTestWorker({ PUBLIC_URL: "https://herald.example" }, { now: clock.now });
});
afterAll(() => w.close());

/** A recipient reachable on every channel of order_placed. */
async function customer(userId: string, locale: string) {
  const r = await upsertRecipient(w.deps.db, userId, {
    email: `${userId}@example.com`,
    phone: "+4915112345678",
    locale,
  });
  await upsertDevice(w.deps.db, r.id, { kind: "fcm", address: `fcm-token-${userId}-0123456789` });
}

/** The event's notifications once each is SENT, with what the outbox holds for each (in-app has none). */
async function delivered(eventId: string) {
  const rows = await eventually(async () => {
    const { notifications } = await routed(w, eventId);
    return notifications.length === 4 && notifications.every((n) => n.status === "SENT")
      ? notifications
      : null;
  }, 30_000);
  const outbox = await outboxFor(
    w,
    rows.map((n) => n.id),
  );
  const by = (channel: string) => ({
    stored: rows.find((n) => n.channel === channel)!.content as Record<string, any>,
    sent: outbox.find((m) => m.channel === channel)?.content as Record<string, any> | undefined,
  });
  return { email: by("email"), sms: by("sms"), push: by("push"), inApp: by("in_app") };
}

describe("translated templates, through the router and the senders", () => {
  it("sends order_placed in German on every channel to a de-DE recipient", async () => {
    await customer("greta", "de-DE");
    const { email, sms, push, inApp } = await delivered(
      await emit(w, { type: "order_placed", userId: "greta" }),
    );

    expect(email.stored).toMatchObject({ subject: "Bestellung A-1042 bestätigt", language: "de" });
    expect(email.sent).toMatchObject({ subject: "Bestellung A-1042 bestätigt", language: "de" });
    expect(email.sent!.html).toContain('lang="de"');
    expect(email.sent!.html).toContain("Vielen Dank für Ihre Bestellung");
    expect(email.sent!.text).toContain("Gesamtsumme");
    // German money format from the full locale, and the frame's German footer with its link.
    expect(email.sent!.text).toMatch(/59,90\s€/);
    expect(email.sent!.text).toContain("Sie erhalten diese E-Mail, weil Sie ein Konto bei Herald haben.");
    expect(email.sent!.html).toContain(">Abbestellen</a>");
    expect(email.sent!.html).toContain("https://herald.example/");

    expect(sms.sent).toMatchObject({ language: "de" });
    expect(sms.sent!.text).toMatch(
      /^Herald: Bestellung A-1042 bestätigt, 59,90\s€\. https:\/\/shop\.example\.com/,
    );
    expect(push.sent).toMatchObject({ title: "Bestellung bestätigt", language: "de" });
    expect(push.sent!.body).toMatch(/^Bestellung A-1042: 3 Artikel, 59,90\s€$/);
    expect(inApp.stored).toMatchObject({ title: "Bestellung A-1042 bestätigt", language: "de" });
    expect(inApp.stored.body).toMatch(/^3 Artikel, insgesamt 59,90\s€\.$/);
  });

  it("sends the default English to a recipient whose language has no translation, with no language recorded", async () => {
    await customer("giulia", "it-IT");
    const { email, push } = await delivered(await emit(w, { type: "order_placed", userId: "giulia" }));
    expect(email.sent).toMatchObject({ subject: "Order A-1042 confirmed" });
    expect(email.sent!.language).toBeUndefined();
    expect(email.sent!.text).toContain("You receive this e-mail because you have an account with Herald.");
    // Numbers still follow the recipient's locale.
    expect(push.sent!.body).toMatch(/^Order A-1042: 3 items, 59,90\s€$/);
  });

  it("writes a German recipient's digest in German, its items in their translation", async () => {
    clock.set("2026-03-10T07:00:00Z");
    const r = await upsertRecipient(w.deps.db, "dieter", {
      email: "dieter@example.com",
      locale: "de-DE",
      timezone: "Europe/Berlin",
    });
    const daily = { categories: { transactional: { digest: "daily" as const } } };
    await savePreferences(w.deps.db, r.id, mergePreferences(await getPreferences(w.deps.db, r.id), daily));
    const id = await emit(w, { type: "order_placed", userId: "dieter", channels: ["email"] });
    const folded = (await routed(w, id)).notifications[0]!;
    expect(folded.status).toBe("DIGESTED");
    const window = (await getDigestOfNotification(
      w.deps.db,
      (await getNotification(w.deps.db, folded.id))!.digestId!,
    ))!;

    clock.set(window.flushAt);
    expect((await flushDigestWindow(w.deps, window.id)).kind).toBe("flushed");
    const digest = await eventually(async () => {
      const n = await getNotification(w.deps.db, window.notificationId);
      return n?.status === "SENT" ? n : null;
    });
    const [sent] = await outboxFor(w, [digest.id]);
    expect(sent!.content).toMatchObject({ subject: "Ihre tägliche Übersicht: 1 Neuigkeit", language: "de" });
    expect(sent!.content.text).toContain("Eine Neuigkeit, die Sie noch nicht gesehen haben.");
    expect(sent!.content.html).toContain("Bestellung A-1042 bestätigt");
    expect(sent!.content.text).toContain("Sie erhalten diese E-Mail, weil Sie ein Konto bei Herald haben.");
  });
});
