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
