import { suppressAddress } from "@herald/db";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * Support opens the page of a user who gets no e-mail or SMS, sees that both
 * addresses are suppressed and why, and lifts each after confirming (a spam
 * complaint with a sterner question). Each step is checked through the API.
 */
let stack: DashboardStack;
let page: Page;
let card: Locator;
const USER = "sue-suppressed";
let bouncedBy: string;

const suppressions = async () =>
  (await stack.herald.call("GET", `/v1/users/${USER}/suppressions`)).body.data as { channel: string }[];

beforeAll(async () => {
  stack = await startDashboardStack();
  const { herald } = stack;
  const put = await herald.call("PUT", `/v1/users/${USER}`, {
    email: "sue@example.com",
    phone: "+14155550181",
  });
  expect(put.status).toBe(200);
  // The e-mail that bounced: a real notification the row links to.
  const eventId = await stack.trigger(USER, "order_placed");
  // E-mail, SMS and in-app: Sue has no push device.
  bouncedBy = (await stack.notificationsOf(eventId, 3)).find((n) => n.channel === "email")!.id;
  const db = herald.db.db;
  await suppressAddress(db, {
    channel: "email",
    address: "SUE@example.com",
    reason: "bounced",
    provider: "resend",
    notificationId: bouncedBy,
  });
  await suppressAddress(db, {
    channel: "sms",
    address: "+1 415 555 0181",
    reason: "complained",
    provider: "twilio",
  });
  page = await stack.signedIn(SUPPORT);
  await page.goto(`${herald.url}/users/${USER}`);
  await page.getByRole("heading", { level: 1, name: USER }).waitFor();
  card = page.locator(".card", { has: page.getByRole("heading", { name: "Suppressions" }) });
}, 60_000);
afterAll(() => stack?.close());

const row = (channel: "email" | "sms") => card.locator(`[data-suppression="${channel}"]`);

describe("support on a suppressed user's page", () => {
  it("sees each suppressed address with its reason, provider, time and the notification that caused it", async () => {
    await card.locator('[data-suppression="email"][data-suppressed="true"]').waitFor();
    const email = await row("email").textContent();
    expect(email).toContain("Suppressed: Bounced");
    expect(email).toContain("reported by resend");
    expect(email).toMatch(/since \d{1,2} \w{3}/);
    const link = row("email").getByRole("link");
    expect(await link.getAttribute("href")).toBe(`/notifications/${bouncedBy}`);
    expect(await row("sms").textContent()).toContain("Suppressed: Marked as spam");
  });

  it("lifts the e-mail suppression only once the confirmation is accepted", async () => {
    const lift = row("email").getByRole("button", { name: "Lift e-mail suppression" });
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await lift.click();
    expect(asked).toContain(`Lift the suppression of ${USER}'s e-mail address?`);
    expect((await suppressions()).map((s) => s.channel)).toEqual(["email", "sms"]);

    page.once("dialog", (d) => void d.accept());
    await lift.click();
    await page.getByText("E-mail suppression lifted").waitFor();
    await card.locator('[data-suppression="email"][data-suppressed="false"]').waitFor();
    expect(await row("email").textContent()).toContain("Receiving");
    await lift.waitFor({ state: "detached" });
    expect((await suppressions()).map((s) => s.channel)).toEqual(["sms"]);
  });

  it("lifts a spam complaint after a confirmation that says it is the operator's responsibility", async () => {
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await row("sms").getByRole("button", { name: "Lift phone suppression" }).click();
    await page.getByText("Phone suppression lifted").waitFor();
    expect(asked).toContain("reported a message as spam");
    expect(asked).toContain("your responsibility");
    await card.locator('[data-suppression="sms"][data-suppressed="false"]').waitFor();
    expect(await suppressions()).toEqual([]);
  });
});
