import { CHANNELS } from "@herald/domain";
import { describe, expect, it } from "vitest";
import { catalog, channelsOf, listNotificationTypes, renderContext, renderNotification } from "./index.ts";

const ctx = renderContext({ userId: "u_1", locale: "de-DE", unsubscribeUrl: "https://h.example/u/tok" });
const english = renderContext({ userId: "u_1", locale: "en-GB" });

describe("catalog", () => {
  it("has the starter types with SPEC's categories, priorities and channels", () => {
    const shape = Object.fromEntries(
      listNotificationTypes().map((d) => [d.type, [d.category, d.priority, channelsOf(d).sort().join(",")]]),
    );
    expect(shape).toEqual({
      order_placed: ["transactional", "normal", "email,in_app,push,sms"],
      password_reset: ["security", "critical", "email,sms"],
      payment_failed: ["transactional", "high", "email,in_app,push"],
      weekly_promo: ["marketing", "low", "email,push"],
    });
  });

  it("has examples that satisfy each schema", () => {
    for (const d of listNotificationTypes()) expect(d.schema.safeParse(d.example).success, d.type).toBe(true);
  });

  it("rejects data that breaks a schema, naming the field", () => {
    const r = catalog.order_placed.schema.safeParse({
      ...catalog.order_placed.example,
      items: [{ name: "x", quantity: 0, price: 1 }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["items", 0, "quantity"]);
  });
});

describe("renderNotification", () => {
  it("renders every channel of every type", async () => {
    for (const d of listNotificationTypes()) {
      for (const channel of CHANNELS.filter((c) => d.templates[c])) {
        const out = await renderNotification(d, channel, d.example, ctx);
        expect(out.channel).toBe(channel);
      }
    }
  });

  it("counts items in the singular and the plural", async () => {
    const one = {
      ...catalog.order_placed.example,
      items: [{ name: "Book", quantity: 1, price: 12 }],
      total: 12,
    };
    const three = { ...one, items: [{ name: "Book", quantity: 3, price: 12 }], total: 36 };
    const body = async (data: unknown, c = english) => {
      const out = await renderNotification(catalog.order_placed, "in_app", data, c);
      return out.channel === "in_app" ? out.body : "";
    };
    expect(await body(one)).toMatch(/^1 item, /);
    expect(await body(three)).toMatch(/^3 items, /);
    expect(await body(one, ctx)).toMatch(/^1 Artikel, insgesamt /);
    expect(await body(three, ctx)).toMatch(/^3 Artikel, insgesamt /);
  });

  it("renders e-mail as HTML and plain text with the locale's money format", async () => {
    const out = await renderNotification(catalog.order_placed, "email", catalog.order_placed.example, ctx);
    if (out.channel !== "email") throw new Error("expected email");
    expect(out.subject).toBe("Bestellung A-1042 bestätigt");
    expect(out.html).toContain("<!DOCTYPE html");
    expect(out.html).toContain("Linen shirt");
    expect(out.html).toContain("https://h.example/u/tok");
    expect(out.text).toMatch(/59,90\s€/);
    expect(out.text).not.toContain("<");
  });

  it("renders order_placed in French on every channel for a fr-CA recipient", async () => {
    const fr = renderContext({ userId: "u_1", locale: "fr-CA", unsubscribeUrl: "https://h.example/u/tok" });
    const order = catalog.order_placed;
    const [email, sms, push, inApp] = await Promise.all(
      (["email", "sms", "push", "in_app"] as const).map((c) =>
        renderNotification(order, c, order.example, fr),
      ),
    );
    if (email?.channel !== "email") throw new Error("expected email");
    expect(email).toMatchObject({ subject: "Commande A-1042 confirmée", language: "fr" });
    expect(email.preview).toMatch(/^3 articles, 59,90\s€ au total$/);
    expect(email.html).toContain('<html dir="ltr" lang="fr">');
    expect(email.html).toContain(">Merci pour votre commande</h1>");
    expect(email.text).toContain("Nous avons bien reçu votre commande A-1042 et nous la préparons.");
    expect(email.text).toContain("Vous recevez cet e-mail car vous avez un compte Herald.");
    expect(email.html).toMatch(/<a href="https:\/\/h\.example\/u\/tok"[^>]*>Se désabonner<\/a>/);
    expect(sms).toEqual({
      channel: "sms",
      text: expect.stringMatching(
        /^Herald\u00a0: commande A-1042 confirmée, 59,90\s€\. https:\/\/shop\.example\.com\/orders\/A-1042$/,
      ),
      language: "fr",
    });
    expect(push).toMatchObject({ title: "Commande confirmée", language: "fr" });
    expect(push?.channel === "push" && push.body).toMatch(/^Commande A-1042\u00a0: 3 articles, 59,90\s€$/);
    expect(inApp).toMatchObject({ title: "Commande A-1042 confirmée", language: "fr" });
    expect(inApp?.channel === "in_app" && inApp.body).toMatch(/^3 articles, 59,90\s€ au total\.$/);
    const one = { ...order.example, items: [{ name: "Livre", quantity: 1, price: 12 }], total: 12 };
    const single = await renderNotification(order, "in_app", one, fr);
    expect(single.channel === "in_app" && single.body).toMatch(/^1 article, 12,00\s€ au total\.$/);
  });

  it("renders the other starter types in French too", async () => {
    const fr = renderContext({ userId: "u_1", locale: "fr-FR" });
    const { password_reset: reset, payment_failed: failed, weekly_promo: promo } = catalog;
    expect(await renderNotification(reset, "sms", reset.example, fr)).toEqual({
      channel: "sms",
      text: "Herald\u00a0: réinitialisez votre mot de passe d’ici 30\u00a0min\u00a0: https://app.example.com/reset?token=demo",
      language: "fr",
    });
    const push = await renderNotification(failed, "push", failed.example, fr);
    expect(push).toMatchObject({ title: "Échec du paiement", language: "fr" });
    expect(push.channel === "push" && push.body).toMatch(/^19,99\s\$US\u00a0: Card declined$/);
    const mail = await renderNotification(promo, "email", promo.example, fr);
    // The offer is the caller's text; the button and the frame are Herald's.
    expect(mail).toMatchObject({ subject: "20% off linen this week", language: "fr" });
    expect(mail.channel === "email" && mail.html).toContain("Découvrir l’offre");
  });

  it("says a one-minute password reset link expires in one minute, not 1 minutes, in each language", async () => {
    const reset = catalog.password_reset;
    const data = { ...reset.example, expiresInMinutes: 1 };
    const text = async (locale: string) => {
      const out = await renderNotification(reset, "email", data, renderContext({ userId: "u", locale }));
      return out.channel === "email" ? out.text : "";
    };
    expect(await text("en-US")).toContain("The link expires in 1 minute.");
    expect(await text("de-DE")).toContain("Der Link ist eine Minute lang gültig.");
    expect(await text("fr-FR")).toContain("Ce lien expire dans 1 minute.");
    const many = await renderNotification(reset, "email", reset.example, renderContext({ userId: "u" }));
    expect(many.channel === "email" && many.text).toContain(
      `expires in ${reset.example.expiresInMinutes} minutes.`,
    );
  });

  it("leaves the unsubscribe link out when there is none (required categories)", async () => {
    const out = await renderNotification(
      catalog.password_reset,
      "email",
      catalog.password_reset.example,
      renderContext({ userId: "u" }),
    );
    expect(out.channel === "email" && out.html.includes("Unsubscribe")).toBe(false);
  });
});
