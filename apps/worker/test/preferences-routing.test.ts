import {
  DEFAULT_PREFERENCES,
  getRecipient,
  savePreferences,
  updatePreferences,
  upsertRecipient,
} from "@herald/db";
import { verifyUnsubscribeToken } from "@herald/unsubscribe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit, outboxFor, reaches, routed } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let w: TestWorker;
beforeAll(async () => {
  w = await createTestWorker({
    PUBLIC_URL: "https://herald.example",
    UNSUBSCRIBE_SECRET: "a-test-secret-of-some-length",
  });
});
afterAll(() => w.close());

async function user(userId: string) {
  return upsertRecipient(w.deps.db, userId, { email: `${userId}@example.com`, phone: "+14155550100" });
}

describe("required categories", () => {
  it("delivers security messages to a user who unsubscribed from everything and turned e-mail off", async () => {
    const r = await user("rita");
    await savePreferences(w.deps.db, r.id, {
      ...DEFAULT_PREFERENCES,
      unsubscribedAll: true,
      channels: { email: false, sms: false },
      // Stored behind the API's back (the API refuses these): still ignored for a required category.
      categories: { security: { enabled: false, digest: "daily" } },
    });
    const reset = await emit(w, { type: "password_reset", userId: "rita" });
    await reaches(w, reset, "email", "SENT");
    await reaches(w, reset, "sms", "SENT");

    const promo = await emit(w, { type: "weekly_promo", userId: "rita" });
    const { event, notifications } = await routed(w, promo);
    expect(notifications).toEqual([]);
    expect(event.suppressed).toEqual(
      expect.arrayContaining([
        { channel: "email", reason: "unsubscribed" },
        { channel: "push", reason: "unsubscribed" },
      ]),
    );
  });

  it("applies type > category > channel for optional categories", async () => {
    const r = await user("tom");
    await savePreferences(w.deps.db, r.id, {
      ...DEFAULT_PREFERENCES,
      channels: { email: false },
      categories: { transactional: { channels: { email: true } }, marketing: { enabled: false } },
      types: { payment_failed: { channels: { email: false } } },
    });
    const order = await routed(
      w,
      await emit(w, { type: "order_placed", userId: "tom", channels: ["email"] }),
    );
    expect(order.notifications.map((n) => n.channel)).toEqual(["email"]); // category beats channel
    const payment = await routed(
      w,
      await emit(w, { type: "payment_failed", userId: "tom", channels: ["email"] }),
    );
    expect(payment.event.suppressed).toEqual([{ channel: "email", reason: "opted_out" }]); // type beats category
    const promo = await routed(w, await emit(w, { type: "weekly_promo", userId: "tom" }));
    expect(promo.notifications).toEqual([]);
  });
});

describe("a cleared override", () => {
  it("routes by the broader setting again once a type's switch is cleared with null", async () => {
    const r = await user("cora");
    await updatePreferences(w.deps.db, r.id, {
      categories: { transactional: { channels: { email: false } } },
      types: { payment_failed: { channels: { email: true } } },
    });
    const before = await routed(
      w,
      await emit(w, { type: "payment_failed", userId: "cora", channels: ["email"] }),
    );
    expect(before.notifications.map((n) => n.channel)).toEqual(["email"]); // the type's true beats the category

    await updatePreferences(w.deps.db, r.id, { types: { payment_failed: { channels: { email: null } } } });
    const after = await routed(
      w,
      await emit(w, { type: "payment_failed", userId: "cora", channels: ["email"] }),
    );
    expect(after.event.suppressed).toEqual([{ channel: "email", reason: "opted_out" }]); // the category's false

    await updatePreferences(w.deps.db, r.id, { categories: { transactional: null } });
    const cleared = await routed(
      w,
      await emit(w, { type: "payment_failed", userId: "cora", channels: ["email"] }),
    );
    expect(cleared.notifications.map((n) => n.channel)).toEqual(["email"]); // nothing left: on
  });
});

describe("unsubscribe link", () => {
  it("puts a signed one-click link and the RFC 8058 headers on every non-required e-mail", async () => {
    await user("una");
    const recipient = (await getRecipient(w.deps.db, "una"))!;
    for (const [type, category] of [
      ["weekly_promo", "marketing"],
      ["order_placed", "transactional"],
    ] as const) {
      const id = await emit(w, { type, userId: "una", channels: ["email"] });
      const n = await reaches(w, id, "email", "SENT");
      const [mail] = await outboxFor(w, [n.id]);
      const headers = mail!.content.headers as Record<string, string>;
      expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      const url = /^<(https:\/\/herald\.example\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)>$/.exec(
        headers["List-Unsubscribe"]!,
      )![1]!;
      expect(mail!.content.html).toContain(url);
      expect(mail!.content.text).toContain(url);
      expect(verifyUnsubscribeToken("a-test-secret-of-some-length", url.split("/").pop()!)).toEqual({
        recipientId: recipient.id,
        categories: [category],
      });
    }
  });

  it("leaves it out of required (security) e-mails", async () => {
    await user("ulf");
    const id = await emit(w, { type: "password_reset", userId: "ulf", channels: ["email"] });
    const n = await reaches(w, id, "email", "SENT");
    const [mail] = await outboxFor(w, [n.id]);
    expect(mail!.content.headers).toBeUndefined();
    expect(mail!.content.html).not.toContain("/unsubscribe/");
  });
});
