import { listEventNotifications } from "@herald/db";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, startDashboardStack } from "./dashboard-fixture.ts";

/** The Templates page in a chosen language, and "Send test" in the recipient's own. */
let stack: DashboardStack;
let page: Page;

beforeAll(async () => {
  stack = await startDashboardStack();
  page = await stack.signedIn(ADMIN);
}, 90_000);
afterAll(() => stack?.close());

const orderCard = () => page.locator(".template").filter({ hasText: "order_placed" });

describe("the Templates page's preview language", () => {
  it("previews a type in German when German is chosen, frame included, and in English again", async () => {
    await page.goto(`${stack.herald.url}/templates`);
    const card = orderCard();
    await card.getByText("Order A-1042 confirmed").first().waitFor();
    expect(await card.locator("[data-preview-language]").textContent()).toBe(
      "Default templates (en); translated into de, fr.",
    );

    await page.getByLabel("Preview language").selectOption("de");
    await card.getByText("Bestellung A-1042 bestätigt").first().waitFor();
    const mail = card.frameLocator("iframe.email-frame");
    await mail.getByText("Sie erhalten diese E-Mail, weil Sie ein Konto bei").waitFor();
    await mail.getByText("Gesamtsumme").waitFor();
    expect(await card.locator("[data-preview-language]").textContent()).toBe("Written in de (translation).");

    await page.getByLabel("Preview language").selectOption("en");
    await card.getByText("Order A-1042 confirmed").first().waitFor();
  });

  it("sends a test in the user's own language, whatever language is previewed", async () => {
    const { herald } = stack;
    const put = await herald.call("PUT", "/v1/users/heidi", { email: "heidi@example.com", locale: "de-AT" });
    expect(put.status).toBe(200);
    await page.goto(`${herald.url}/templates`);
    const form = page.getByRole("form", { name: "Send order_placed test" });
    await form.getByPlaceholder("user id").fill("heidi");
    await form.getByLabel("Channel").selectOption("email");
    page.once("dialog", (d) => void d.accept());
    await form.getByRole("button", { name: "Send test" }).click();
    const outcome = form.locator("[data-test-outcome]");
    await outcome.waitFor({ timeout: 15_000 });
    expect(await outcome.getAttribute("data-test-outcome")).not.toBe("bad");

    const href = await form.getByRole("link", { name: "See the event" }).getAttribute("href");
    const eventId = new URLSearchParams(href!.split("?")[1]).get("eventId")!;
    const [email] = await listEventNotifications(herald.db.db, eventId);
    expect(email!.content).toMatchObject({ subject: "Bestellung A-1042 bestätigt", language: "de" });
  });
});
