import { suppressAddress } from "@herald/db";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * Support opens the page of a user who gets no e-mail or SMS, sees that both
 * addresses are suppressed and why, and lifts each after confirming (a spam
 * complaint with a sterner question); then suppresses the phone number by
 * hand with a note, and lifts that too. Each step is checked through the API.
 */
let stack: DashboardStack;
let page: Page;
let card: Locator;
const USER = "sue-suppressed";
let bouncedBy: string;

const suppressions = async () =>
  (await stack.herald.call("GET", `/v1/users/${USER}/suppressions`)).body.data as {
    channel: string;
    reason: string;
    note: string | null;
    suppressedBy: { via: string; name: string } | null;
  }[];

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

describe("support suppressing the user's phone number by hand", () => {
  const form = () => card.getByRole("form", { name: `Suppress ${USER}'s phone number` });

  it("refuses a note that names the number next to the field, and suppresses nothing", async () => {
    await row("sms").getByRole("button", { name: "Suppress phone number" }).click();
    await form().getByLabel("Why (optional)").fill("Old number +1 415 555 0181, reassigned");
    page.once("dialog", (d) => void d.accept());
    await form().getByRole("button", { name: "Suppress", exact: true }).click();
    const error = form().locator('[data-field="note"]');
    await error.waitFor();
    expect(await error.textContent()).toContain("must not contain the address");
    expect(await suppressions()).toEqual([]);
  });

  it("suppresses it with a note once confirmed, and the row shows why and who", async () => {
    await form().getByLabel("Why (optional)").fill("The number belongs to someone else now (ticket 4821)");
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await form().getByRole("button", { name: "Suppress", exact: true }).click();
    expect(asked).toContain(`Suppress ${USER}'s phone number?`);
    expect(asked).toContain("critical messages included");
    expect(await suppressions()).toEqual([]);

    page.once("dialog", (d) => void d.accept());
    await form().getByRole("button", { name: "Suppress", exact: true }).click();
    await page.getByText("Phone suppressed").waitFor();
    await card.locator('[data-suppression="sms"][data-suppressed="true"]').waitFor();
    await form().waitFor({ state: "detached" });
    const text = await row("sms").textContent();
    expect(text).toContain("Suppressed: Added by hand");
    expect(text).toContain(`added by ${SUPPORT.email}`);
    expect(text).toContain("The number belongs to someone else now (ticket 4821)");
    expect(await suppressions()).toEqual([
      expect.objectContaining({
        channel: "sms",
        reason: "manual",
        note: "The number belongs to someone else now (ticket 4821)",
        suppressedBy: expect.objectContaining({ via: "dashboard", name: SUPPORT.email }),
      }),
    ]);
    // The e-mail row still offers it; the phone's, now suppressed, offers the lift.
    expect(await row("email").getByRole("button", { name: "Suppress e-mail address" }).count()).toBe(1);
    expect(await row("sms").getByRole("button", { name: "Suppress phone number" }).count()).toBe(0);
  });

  it("lifts it like a bounce, with the plain confirmation", async () => {
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await row("sms").getByRole("button", { name: "Lift phone suppression" }).click();
    await page.getByText("Phone suppression lifted").waitFor();
    expect(asked).toContain(`Lift the suppression of ${USER}'s phone number?`);
    expect(asked).not.toContain("spam");
    await card.locator('[data-suppression="sms"][data-suppressed="false"]').waitFor();
    expect(await suppressions()).toEqual([]);
  });
});
