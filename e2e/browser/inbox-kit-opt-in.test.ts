import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InboxKitApp, startInboxKitApp } from "./inbox-kit-app.ts";

/**
 * `<NotificationPreferences />` with marketing and SMS made opt-in: off
 * until the user turns them on, and on stored as an explicit yes (a cleared
 * override would still be a no).
 */
let kit: InboxKitApp;
beforeAll(async () => {
  kit = await startInboxKitApp({ OPT_IN_CATEGORIES: "marketing", OPT_IN_CHANNELS: "sms" });
});
afterAll(async () => {
  await kit?.close();
});

const stored = async (userId: string) =>
  (await kit.herald.call("GET", `/v1/users/${userId}/preferences`)).body;

describe("the preferences panel with opt-in categories and channels", () => {
  it("shows them off with a hint, and turning them on stores true; off stores false", async () => {
    const tab = await kit.openApp("kit-consent", { prefs: "1" });
    const marketing = tab.getByRole("checkbox", { name: /^Marketing/ });
    const product = tab.getByRole("checkbox", { name: /^Product/ });
    const sms = tab.getByRole("checkbox", { name: /^SMS/ });
    await marketing.waitFor();
    expect([await marketing.isChecked(), await sms.isChecked(), await product.isChecked()]).toEqual([
      false,
      false,
      true,
    ]);
    // The hint, under the two opt-in switches only.
    expect(await tab.getByText("Only if you turn it on.").count()).toBe(2);
    expect(await marketing.locator("xpath=..").textContent()).toContain("Only if you turn it on.");

    await marketing.click();
    await expect
      .poll(async () => (await stored("kit-consent")).categories.marketing)
      .toEqual({ enabled: true });
    expect(await marketing.isChecked()).toBe(true);
    await sms.click();
    await expect.poll(async () => (await stored("kit-consent")).channels).toEqual({ sms: true });
    expect(await tab.getByText("Only if you turn it on.").count()).toBe(0);

    // Off is the user's no, as for any switch; a reload shows what was stored.
    await marketing.click();
    await expect
      .poll(async () => (await stored("kit-consent")).categories.marketing)
      .toEqual({ enabled: false });
    await tab.reload();
    await marketing.waitFor();
    expect([await marketing.isChecked(), await sms.isChecked()]).toEqual([false, true]);
    await tab.close();
  });
});
