import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * Support finds the Topics page in the navigation: topics in key order with
 * their subscriber counts, "Load more", a search by the start of a key; opens
 * a topic and its subscribers (links to their user pages); deletes it after
 * a confirmation, checked through the API.
 */
let stack: DashboardStack;
let page: Page;
const BULK = Array.from({ length: 28 }, (_, i) => `bulk-${String(i).padStart(2, "0")}`);

async function subscribe(topic: string, userIds: string[]) {
  const res = await stack.herald.call("POST", `/v1/topics/${topic}/subscribers`, { subscribers: userIds });
  expect(res.status).toBe(200);
}

const listed = async () =>
  Promise.all((await page.locator("[data-topic]").all()).map((t) => t.getAttribute("data-topic")));

beforeAll(async () => {
  stack = await startDashboardStack();
  await subscribe("news.weekly", ["tia-reader", "tom-reader", "una-reader"]);
  await subscribe("news_daily", ["tia-reader"]);
  for (const key of BULK) await subscribe(key, ["tia-reader"]);
  page = await stack.signedIn(SUPPORT);
}, 60_000);
afterAll(() => stack?.close());

describe("support on the Topics page", () => {
  it("opens it from the navigation: topics in key order with their subscriber counts, then Load more", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Topics" }).click();
    await page.getByRole("heading", { level: 1, name: "Topics" }).waitFor();
    await page.locator('[data-topic="bulk-24"]').waitFor();
    // A page of 25, by key.
    expect(await listed()).toEqual(BULK.slice(0, 25));
    await page.getByRole("button", { name: "Load more" }).click();
    await page.locator('[data-topic="news_daily"]').waitFor();
    expect(await listed()).toEqual([...BULK, "news.weekly", "news_daily"]);
    expect(await page.locator('[data-topic="news.weekly"]').textContent()).toContain("3 subscribers");
    expect(await page.locator('[data-topic="news_daily"]').textContent()).toContain("1 subscriber");
    await page.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
  });

  it("finds topics by the start of their key, `_` and `.` taken literally", async () => {
    const search = page.getByLabel("Search topics by key prefix");
    await search.fill("news.");
    await search.press("Enter");
    await page.waitForURL(/\/topics\?prefix=news\.$/);
    await page.locator('[data-topic="news_daily"]').waitFor({ state: "detached" });
    await page.locator('[data-topic="news.weekly"]').waitFor();
    expect(await listed()).toEqual(["news.weekly"]);
    await search.fill("news_");
    await search.press("Enter");
    await page.locator('[data-topic="news_daily"]').waitFor();
    expect(await listed()).toEqual(["news_daily"]);
    await search.fill("nobody");
    await search.press("Enter");
    await page.getByText("No topic starts with “nobody”").waitFor();
  });

  it("opens a topic: its subscriber count and subscribers, each a link to their user page", async () => {
    await page.getByLabel("Search topics by key prefix").fill("news.");
    await page.getByLabel("Search topics by key prefix").press("Enter");
    await page.locator('[data-topic="news.weekly"]').getByRole("link").click();
    await page.getByRole("heading", { level: 1, name: "news.weekly" }).waitFor();
    await page.getByText("3 subscribers · created").waitFor();
    const users = page.locator("[data-subscriber]");
    await users.nth(2).waitFor();
    const ids = await Promise.all((await users.all()).map((u) => u.getAttribute("data-subscriber")));
    expect(ids.sort()).toEqual(["tia-reader", "tom-reader", "una-reader"]);
    const link = page.locator('[data-subscriber="tom-reader"]').getByRole("link");
    expect(await link.getAttribute("href")).toBe("/users/tom-reader");
    await link.click();
    await page.getByRole("heading", { level: 1, name: "tom-reader" }).waitFor();
    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "news.weekly" }).waitFor();
  });

  it("deletes the topic only once the confirmation is accepted, then shows the list without it", async () => {
    const remove = page.getByRole("button", { name: "Delete topic" });
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await remove.click();
    expect(asked).toContain("Delete the topic news.weekly?");
    expect(asked).toContain("Its 3 subscribers are taken off it; the users themselves stay.");
    expect((await stack.herald.call("GET", "/v1/topics/news.weekly")).body.subscriberCount).toBe(3);

    page.once("dialog", (d) => void d.accept());
    await remove.click();
    await page.getByText("Topic news.weekly deleted").waitFor();
    await page.getByRole("heading", { level: 1, name: "Topics" }).waitFor();
    await page.locator('[data-topic="bulk-00"]').waitFor();
    expect(await listed()).not.toContain("news.weekly");
    expect((await stack.herald.call("GET", "/v1/topics/news.weekly")).status).toBe(404);
    // The users stay.
    expect((await stack.herald.call("GET", "/v1/users/tom-reader")).status).toBe(200);

    // The page of a deleted topic says so.
    await page.goto(`${stack.herald.url}/topics/news.weekly`);
    await page.getByText("No topic “news.weekly”").waitFor();
  });
});
