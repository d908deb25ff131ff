import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * The dashboard keeps its frame when things go wrong: malformed addresses,
 * an API that is not up yet at start-up; and the phone drawer behaves like a
 * drawer for keyboard users.
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
