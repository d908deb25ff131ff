import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { catalog } from "@herald/templates";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, launchChromium, startHerald } from "../harness/index.ts";

let herald: Herald;
let browser: Browser;
let page: Server;
let pageUrl: string;

beforeAll(async () => {
  herald = await startHerald({ workerEnv: { WORKER_CHANNELS: "events,in_app" } });
  // The test page lives on its own origin, like an app embedding Herald's inbox.
  const html = readFileSync(new URL("./inbox-page.html", import.meta.url), "utf8");
  page = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => page?.close(r));
  await herald?.close();
});

async function tokenOf(userId: string): Promise<string> {
  const res = await herald.call("GET", `/v1/users/${userId}/token`);
  expect(res.status).toBe(200);
  return res.body.token;
}

describe("the in-app inbox in a real browser", () => {
  it("shows a notification live over EventSource, drops the unread count after reading, and refuses another user's token", async () => {
    const token = await tokenOf("browser-ada");
    const otherToken = await tokenOf("browser-eve");
    const tab = await browser.newPage();
    const params = new URLSearchParams({ api: herald.url, user: "browser-ada", token });
    await tab.goto(`${pageUrl}?${params}`);
    await tab.locator("#status", { hasText: "connected" }).waitFor();
    await tab.locator("#unread", { hasText: "0" }).waitFor();

    const res = await herald.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "browser-ada",
      data: { ...catalog.order_placed.example, orderId: "B-7" },
      channels: ["in_app"],
    });
    expect(res.status).toBe(202);

    // Appears without reloading the page.
    const item = tab.locator("#items li", { hasText: "Order B-7 confirmed" });
    await item.waitFor({ timeout: 10_000 });
    await tab.locator("#unread", { hasText: "1" }).waitFor();
    expect(await item.getAttribute("data-read")).toBe("false");

    await item.getByRole("button", { name: "Mark read" }).click();
    await tab.locator("#unread", { hasText: "0" }).waitFor();
    await tab.locator('#items li[data-read="true"]', { hasText: "Order B-7 confirmed" }).waitFor();

    const feed = await herald.call("GET", "/v1/users/browser-ada/inbox");
    expect(feed.body.data[0]).toMatchObject({ title: "Order B-7 confirmed", status: "READ", read: true });

    // Eve's token, from the same page: 403 on Ada's inbox; her own inbox opens.
    expect(
      await tab.evaluate(([u, t]) => (globalThis as any).inboxStatus(u, t), ["browser-ada", otherToken]),
    ).toBe(403);
    expect(
      await tab.evaluate(([u, t]) => (globalThis as any).inboxStatus(u, t), ["browser-eve", otherToken]),
    ).toBe(200);
    await tab.close();
  });
});
