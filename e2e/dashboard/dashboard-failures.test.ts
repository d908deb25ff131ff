import { insertEvents } from "@herald/db";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * The failures page as an admin works it: the table fits a 1280 px screen
 * whatever the user ids and errors, and "Retry all" is followed live.
 */
let stack: DashboardStack;

const LONG_USER = "customer-imported-from-legacy-crm-0000004242";
const LONG_ERROR = `mailer 550: mailbox unavailable; the receiving server said: ${"x".repeat(40)} https://mail.example.net/policies/rejections/${"a1b2c3d4".repeat(8)} (and more detail after it)`;

/** The dead e-mail notification of a `type` event for `userId`, whose e-mails fail. */
async function deadEmail(userId: string, type: "payment_failed" | "order_placed" = "payment_failed") {
  stack.failing.add(userId);
  expect(
    (await stack.herald.call("PUT", `/v1/users/${userId}`, { email: `${userId}@example.com` })).status,
  ).toBe(200);
  // E-mail alone: payment_failed's e-mail would otherwise wait an hour behind its push and inbox item.
  const eventId = await stack.trigger(userId, type, {}, ["email"]);
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

/** How many times the page asks for `path` in `ms`. */
async function requestsIn(page: Page, path: string, ms: number) {
  let n = 0;
  const count = (r: { url(): string }) => {
    if (new URL(r.url()).pathname === path) n++;
  };
  page.on("request", count);
  await page.waitForTimeout(ms);
  page.off("request", count);
  return n;
}

describe("Retry all", () => {
  it("is followed live: each retried notification until it settles, the list and the sidebar count with them", async () => {
    const ids: string[] = [];
    for (const user of ["retry-all-1", "retry-all-2", "retry-all-3"])
      ids.push(await deadEmail(user, "order_placed"));
    const dead = (await stack.herald.call("GET", "/v1/dead-letters?limit=200")).body.data.length;
    const page = await stack.signedIn(ADMIN);
    await page.goto(`${stack.herald.url}/failures?type=order_placed`);
    for (const id of ids) await page.locator(`tr[data-notification-id="${id}"]`).waitFor();
    await expect.poll(() => page.locator(".nav-count").textContent()).toBe(String(dead));

    stack.failing.delete("retry-all-2"); // its provider is back; the other two fail again
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Retry all matching" }).click();

    const card = page.locator(".retried");
    for (const id of ids) await card.locator(`[data-retried-id="${id}"]`).waitFor();
    await card.locator(`[data-retried-id="${ids[1]}"] [data-status="SENT"]`).waitFor({ timeout: 15_000 });
    for (const id of [ids[0], ids[2]]) {
      await card.locator(`[data-retried-id="${id}"] [data-status="DEAD"]`).waitFor({ timeout: 15_000 });
    }
    await expect.poll(() => card.locator("[data-retried-tally]").textContent()).toMatch(/1 sent/);
    expect(await card.locator("[data-retried-tally]").textContent()).toMatch(/dead again/);
    expect(await card.locator("[data-retried-tally]").textContent()).not.toMatch(/on (its|their) way/);

    // No reload: the dead list lost the one that went out, and kept those that died again.
    await page.locator(`tr[data-notification-id="${ids[1]}"]`).waitFor({ state: "detached", timeout: 5000 });
    for (const id of [ids[0], ids[2]]) await page.locator(`tr[data-notification-id="${id}"]`).waitFor();
    await expect
      .poll(() => page.locator(".nav-count").textContent(), { timeout: 5000 })
      .toBe(String(dead - 1));

    // Settled: back to the usual pace (every 5 s), not every second.
    expect(await requestsIn(page, "/v1/dead-letters", 3000)).toBeLessThanOrEqual(1);
  });
});

describe("an event whose routing failed", () => {
  it("is routed again from its page by an admin once the cause is fixed; support sees no button", async () => {
    const { herald } = stack;
    await herald.call("PUT", "/v1/users/late-type", { email: "late@example.com" });
    // A type this deployment did not know yet (the API refuses it; an event stored by a newer version).
    const [row] = await insertEvents(herald.db.db, [
      { type: "order_shipped", userId: "late-type", data: {}, priority: "normal" },
    ]);
    const eventId = row!.event.id;
    await herald.worker!.deps.queues.get("events").add("route", { eventId }, { jobId: eventId });
    await eventually(
      async () => (await herald.call("GET", `/v1/events/${eventId}`)).body.status === "failed",
    );

    const support = await stack.signedIn(SUPPORT);
    await support.goto(`${herald.url}/notifications?eventId=${eventId}`);
    await support.locator(`[data-event-outcome="${eventId}"]`).getByText("Event failed").waitFor();
    expect(await support.getByRole("button", { name: "Route again" }).count()).toBe(0);

    await herald.db.sql`update events set type = 'order_placed',
      data = ${JSON.stringify(catalog.order_placed.example)}::jsonb where id = ${eventId}`;
    const admin = await stack.signedIn(ADMIN);
    await admin.goto(`${herald.url}/notifications?eventId=${eventId}`);
    const summary = admin.locator(`[data-event-outcome="${eventId}"]`);
    await summary.getByText("Event failed").waitFor();
    await summary.getByRole("button", { name: "Route again" }).click();
    await summary.getByText(/notifications? created/).waitFor({ timeout: 15_000 });
    expect(await summary.getByRole("button", { name: "Route again" }).count()).toBe(0);
    await admin.locator("table").getByText("late-type").first().waitFor();
  });
});
