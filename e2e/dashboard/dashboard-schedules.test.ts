import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * The user page's Schedules card: support reads the user's schedules (type,
 * rule in words, next run) with no actions; an admin pauses, resumes and
 * deletes one, each checked through the API.
 */
let stack: DashboardStack;
const USER = "sid-schedules";
let scheduleId: string;

const schedule = async () => stack.herald.call("GET", `/v1/schedules/${scheduleId}`);

async function userPage(who: { email: string; password: string }): Promise<Page> {
  const page = await stack.signedIn(who);
  await page.goto(`${stack.herald.url}/users/${USER}`);
  await page.getByRole("heading", { level: 1, name: USER }).waitFor();
  return page;
}

beforeAll(async () => {
  stack = await startDashboardStack();
  const res = await stack.herald.call("POST", "/v1/schedules", {
    type: "weekly_promo",
    userId: USER,
    data: { headline: "Picks", body: "This week's picks", ctaUrl: "https://shop.example.com/picks" },
    repeat: { frequency: "weekly", days: ["mon", "thu"], at: "09:00", timezone: "Europe/Berlin" },
    user: { email: "sid@example.com" },
  });
  expect(res.status).toBe(201);
  scheduleId = res.body.id;
}, 60_000);
afterAll(() => stack?.close());

describe("the Schedules card", () => {
  it("shows support the schedule in words, without actions", async () => {
    const page = await userPage(SUPPORT);
    const row = page.locator(`[data-schedule-id="${scheduleId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain("weekly_promo");
    expect(text).toContain("Every week on Monday and Thursday at 09:00 (Europe/Berlin)");
    expect(text).toContain("next ");
    expect(await row.getByRole("button").count()).toBe(0);
  });

  it("lets an admin pause, resume and delete it", async () => {
    const page = await userPage(ADMIN);
    const row = page.locator(`[data-schedule-id="${scheduleId}"]`);
    await row.getByRole("button", { name: `Pause schedule ${scheduleId}` }).click();
    await page.getByText("Schedule paused").waitFor();
    await row.getByText("paused").waitFor();
    expect((await schedule()).body.paused).toBe(true);
    await row.getByRole("button", { name: `Resume schedule ${scheduleId}` }).click();
    await page.getByText("Schedule resumed").waitFor();
    expect((await schedule()).body.paused).toBe(false);
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: `Delete schedule ${scheduleId}` }).click();
    await row.waitFor({ state: "detached" });
    await page.getByText("No recurring schedules.").waitFor();
    expect((await schedule()).status).toBe(404);
  });
});
