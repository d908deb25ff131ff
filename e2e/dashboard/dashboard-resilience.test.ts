import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * The dashboard keeps its frame when things go wrong: malformed addresses,
 * an API that is not up yet at start-up, a session that ends under an unsaved
 * edit; and the phone drawer behaves like a drawer for keyboard users.
 */
let stack: DashboardStack;

beforeAll(async () => {
  stack = await startDashboardStack();
}, 90_000);
afterAll(() => stack?.close());

const nav = (p: Page) => p.locator("nav.sidebar");

describe("malformed addresses", () => {
  it("show an error state inside the frame, not a blank page", async () => {
    const page = await stack.signedIn(ADMIN);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${stack.herald.url}/users/%`);
    await page.getByText("No user “%”").waitFor();
    expect(await nav(page).count()).toBe(1);

    await page.goto(`${stack.herald.url}/notifications?since=yesterday`);
    await page.locator(".state.error").waitFor();
    expect(await page.locator(".state.error").textContent()).toContain("since");
    expect(await nav(page).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe("start-up", () => {
  it("retries a session check that failed, and gets in once Herald answers", async () => {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    let refused = 0;
    await page.route("**/v1/dashboard/session", (route) => {
      if (refused++ === 0)
        return route.fulfill({ status: 503, json: { error: { code: "unavailable", message: "starting" } } });
      return route.continue();
    });
    await page.goto(`${stack.herald.url}/`);
    await page.getByText("Retrying…").waitFor();
    // No reload: the retry itself brings the sign-in form.
    await page.getByLabel("Email").waitFor({ timeout: 10_000 });
    expect(refused).toBeGreaterThanOrEqual(2);
    await context.close();
  });
});

describe("the phone drawer", () => {
  it("is out of the tab order while closed, and Escape closes it", async () => {
    const page = await stack.signedIn(ADMIN, { width: 390, height: 844 });
    const menu = page.getByRole("button", { name: "Open menu" });
    await menu.waitFor();
    const inSidebar = () =>
      page.evaluate(() => !!(globalThis as any).document.activeElement?.closest(".sidebar"));
    await menu.focus();
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      expect(await inSidebar(), `Tab ${i + 1} went into the closed drawer`).toBe(false);
    }

    await menu.click();
    await page.getByRole("link", { name: "Templates" }).focus();
    expect(await inSidebar()).toBe(true);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Open menu" }).waitFor();
    expect(await page.locator(".shell.nav-open").count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute("aria-label")),
    ).toBe("Open menu");
  });
});

describe("a session that ends under an unsaved edit", () => {
  it("keeps the edit, asks to sign in again over the page, and saves it afterwards", async () => {
    const { herald } = stack;
    expect(
      (await herald.call("PUT", "/v1/users/sue", { email: "sue@example.com", phone: "+14155550123" })).status,
    ).toBe(200);
    const page = await stack.signedIn(SUPPORT);
    await page.goto(`${herald.url}/users/sue`);
    const sms = page.getByRole("checkbox", { name: "SMS", exact: true });
    await sms.waitFor();
    await sms.uncheck();
    await page.getByLabel("Digest time (user's zone)").fill("07:30");

    // Support's session runs out while the form is open.
    await herald.db.sql`UPDATE dashboard_sessions SET expires_at = now() - interval '1 second'`;
    await page.getByRole("button", { name: "Save preferences" }).click();

    const dialog = page.getByRole("dialog", { name: "Your session ended" });
    await dialog.waitFor();
    expect(
      await page.getByRole("alert").filter({ hasText: "session ended before this was saved" }).count(),
    ).toBe(1);
    expect((await herald.call("GET", "/v1/users/sue/preferences")).body.channels.sms).toBeUndefined();
    // A refresh the page makes meanwhile (coming back to the tab) is refused too, and does not
    // swap the form for an error.
    const refused = page.waitForResponse(
      (r) => r.url().endsWith("/v1/users/sue/preferences") && r.status() === 401,
    );
    await page.evaluate(() =>
      (globalThis as any).document.dispatchEvent(new Event("visibilitychange", { bubbles: true })),
    );
    await refused;
    expect(await sms.isChecked()).toBe(false);

    expect(await dialog.getByLabel("Email").inputValue()).toBe(SUPPORT.email);
    await dialog.getByLabel("Password").fill(SUPPORT.password);
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await dialog.waitFor({ state: "detached" });
    // Same page, same draft.
    expect(page.url()).toBe(`${herald.url}/users/sue`);
    expect(await sms.isChecked()).toBe(false);
    expect(await page.getByLabel("Digest time (user's zone)").inputValue()).toBe("07:30");

    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Preferences saved").waitFor();
    const saved = (await herald.call("GET", "/v1/users/sue/preferences")).body;
    expect(saved.channels.sms).toBe(false);
    expect(saved.digestTime).toBe("07:30");
  });

  it("signing in as someone else in the dialog starts the page afresh", async () => {
    const page = await stack.signedIn(SUPPORT);
    await page.goto(`${stack.herald.url}/users/sue`);
    const push = page.getByRole("checkbox", { name: "Push", exact: true });
    await push.waitFor();
    await push.uncheck();
    await stack.herald.db.sql`UPDATE dashboard_sessions SET expires_at = now() - interval '1 second'`;
    await page.getByRole("button", { name: "Save preferences" }).click();
    const dialog = page.getByRole("dialog", { name: "Your session ended" });
    await dialog.getByLabel("Email").fill(ADMIN.email);
    await dialog.getByLabel("Password").fill(ADMIN.password);
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.locator(".role-admin").waitFor();
    // Another person: support's unsaved switch is not carried over into the admin's page.
    await push.waitFor();
    expect(await push.isChecked()).toBe(true);
  });
});
