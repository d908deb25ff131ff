import { describe, expect, it } from "vitest";
import { catalog } from "../catalog/index.ts";
import { renderContext } from "../render.ts";
import { renderDigest } from "./render-digest.ts";
import { summarizeNotification } from "./summarize.ts";

const ctx = renderContext({
  userId: "u1",
  timezone: "America/New_York",
  unsubscribeUrl: "https://h.example/unsubscribe/tok",
});

describe("digest templates", () => {
  it("lists every entry in one e-mail with the unsubscribe link", async () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      title: `Offer number ${i + 1}`,
      body: `Body ${i + 1}`,
      url: `https://shop.example.com/${i + 1}`,
      at: new Date(Date.UTC(2026, 2, 8, 1, i)),
    }));
    const out = await renderDigest("email", entries, "daily", ctx);
    if (out.channel !== "email") throw new Error("expected email");
    expect(out.subject).toBe("Your daily digest: 10 updates");
    for (const e of entries) {
      expect(out.html).toContain(e.title);
      expect(out.html).toContain(e.url);
      expect(out.text).toContain(e.title);
    }
    expect(out.html).toContain("https://h.example/unsubscribe/tok");
    // Times are shown in the recipient's zone: 01:00 UTC on 8 March is 8:00 PM on the 7th in New York.
    expect(out.text).toContain("Mar 7, 2026, 8:00");
  });

  it("summarises push, in-app and SMS digests", async () => {
    const entries = [{ title: "A" }, { title: "B" }];
    expect(await renderDigest("push", entries, "weekly", ctx)).toEqual({
      channel: "push",
      title: "Your weekly digest: 2 updates",
      body: "A · B",
    });
    const sms = await renderDigest("sms", entries, "daily", ctx);
    expect(sms).toEqual({ channel: "sms", text: "Herald your daily digest, 2 updates: A · B" });
    await expect(renderDigest("in_app", [], "daily", ctx)).rejects.toThrow(/at least one/);
  });

  it("summarises an item from its type's short template, else from the stored content", () => {
    const promo = catalog.weekly_promo;
    expect(summarizeNotification(promo, promo.example, { channel: "sms", text: "x" }, ctx)).toEqual({
      title: "20% off linen this week",
      body: "Our summer collection is here.",
      url: "https://shop.example.com/linen",
    });
    expect(
      summarizeNotification(
        undefined,
        null,
        { channel: "email", subject: "S", html: "", text: "", preview: "P" },
        ctx,
      ),
    ).toEqual({ title: "S", body: "P" });
  });

  it("writes its own words in German for a German recipient, and says so", async () => {
    const de = renderContext({
      userId: "u1",
      locale: "de-AT",
      unsubscribeUrl: "https://h.example/unsubscribe/tok",
    });
    const entries = [{ title: "A" }, { title: "B" }];
    const mail = await renderDigest("email", entries, "weekly", de);
    if (mail.channel !== "email") throw new Error("expected email");
    expect(mail.subject).toBe("Ihre wöchentliche Übersicht: 2 Neuigkeiten");
    expect(mail.language).toBe("de");
    expect(mail.html).toContain('lang="de"');
    expect(mail.text).toContain("2 Neuigkeiten, die Sie noch nicht gesehen haben.");
    expect(mail.text).toContain("Sie erhalten diese E-Mail, weil Sie ein Konto bei Herald haben.");
    expect(mail.html).toContain(">Abbestellen</a>");
    const one = await renderDigest("email", [{ title: "A" }], "daily", de);
    expect(one.channel === "email" && one.text).toContain(
      "Eine Neuigkeit, die Sie noch nicht gesehen haben.",
    );
    expect(await renderDigest("in_app", [{ title: "A" }], "daily", de)).toEqual({
      channel: "in_app",
      title: "Ihre tägliche Übersicht: 1 Neuigkeit",
      body: "A",
      language: "de",
    });
    expect(await renderDigest("sms", entries, "daily", de)).toEqual({
      channel: "sms",
      text: "Herald: Ihre tägliche Übersicht, 2 Neuigkeiten: A · B",
      language: "de",
    });
  });

  it("falls back to English for a language without a dictionary", async () => {
    const italian = renderContext({ userId: "u1", locale: "it-IT" });
    expect(await renderDigest("push", [{ title: "A" }], "daily", italian)).toEqual({
      channel: "push",
      title: "Your daily digest: 1 update",
      body: "A",
    });
  });

  it("summarises an item in the translation the digest's locale picks", () => {
    const order = catalog.order_placed;
    const de = renderContext({ userId: "u1", locale: "de-DE" });
    expect(summarizeNotification(order, order.example, { channel: "sms", text: "x" }, de).title).toBe(
      "Bestellung A-1042 bestätigt",
    );
  });
});
