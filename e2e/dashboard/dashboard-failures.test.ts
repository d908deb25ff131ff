import { eventually } from "@herald/testkit";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * The failures page as an admin works it: the table fits a 1280 px screen
 * whatever the user ids and errors, and "Retry all" is followed live.
 */
let stack: DashboardStack;

const LONG_USER = "customer-imported-from-legacy-crm-0000004242";
const LONG_ERROR = `mailer 550: mailbox unavailable; the receiving server said: ${"x".repeat(40)} https://mail.example.net/policies/rejections/${"a1b2c3d4".repeat(8)} (and more detail after it)`;

/** The dead e-mail notification of a `payment_failed` event for `userId`, whose e-mails fail. */
async function deadEmail(userId: string): Promise<string> {
  stack.failing.add(userId);
  expect(
    (await stack.herald.call("PUT", `/v1/users/${userId}`, { email: `${userId}@example.com` })).status,
  ).toBe(200);
  const eventId = await stack.trigger(userId, "payment_failed");
  return eventually(async () => {
    const rows = await stack.notificationsOf(eventId, 1);
    return rows.find((n) => n.channel === "email" && n.status === "DEAD")?.id ?? null;
  }, 15_000);
}

/** How far the page and the table scroll sideways (px; 0 when they fit). */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const doc = (globalThis as any).document;
    const wrap = doc.querySelector(".table-wrap");
    return {
      page: doc.documentElement.scrollWidth - (globalThis as any).innerWidth,
      table: wrap.scrollWidth - wrap.clientWidth,
    };
  });

beforeAll(async () => {
  stack = await startDashboardStack();
}, 90_000);
afterAll(() => stack?.close());

describe("the failures table at 1280×800", () => {
  it("fits without sideways scrolling: long user ids and errors give way, their full text in a title", async () => {
    const id = await deadEmail(LONG_USER);
    await stack.herald.db.sql`UPDATE notifications SET last_error = ${LONG_ERROR} WHERE id = ${id}`;
    const page = await stack.signedIn(ADMIN, { width: 1280, height: 800 });
    await page.goto(`${stack.herald.url}/failures`);
    const row = page.locator(`tr[data-notification-id="${id}"]`);
    await row.waitFor();
    await row.getByRole("link", { name: "Job ↗" }).waitFor(); // the widest actions an admin gets
    await row.getByText(LONG_ERROR.slice(0, 20)).waitFor();
    expect(await overflow(page)).toEqual({ page: 0, table: 0 });
    expect(await row.locator(".error-text").getAttribute("title")).toBe(LONG_ERROR);
    expect(await row.locator(".user-link").getAttribute("title")).toBe(LONG_USER);
    // Still readable: the error column is not squeezed to nothing.
    const errorWidth = await row
      .locator("td.col-error")
      .evaluate((td: any) => td.getBoundingClientRect().width);
    expect(errorWidth).toBeGreaterThan(180);
  });
});
