/**
 * `/docs` in a real browser with every request outside this Herald blocked:
 * the API reference must render all operations from local assets, and the
 * page's CSP must not block anything it needs.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, launchChromium, startHerald } from "../harness/index.ts";

let herald: Herald;
let browser: Browser;
beforeAll(async () => {
  herald = await startHerald({ workers: false });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await herald?.close();
});

describe("/docs without internet", () => {
  it("renders every operation of /openapi.json from local assets, with no CSP violation", async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    const problems: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(herald.url) || url.startsWith("data:") || url.startsWith("blob:"))
        return route.continue();
      blocked.push(url);
      return route.abort("internetdisconnected");
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(msg.text());
    });
    page.on("pageerror", (err) => problems.push(err.message));

    const res = await page.goto(`${herald.url}/docs`);
    expect(res?.status()).toBe(200);
    const doc = (await herald.call("GET", "/openapi.json")).body;
    // Routes and the webhooks Herald calls (`webhooks.opsAlert`, `webhooks.notificationStatuses`): the reference lists both.
    const operations = [...Object.values(doc.paths), ...Object.values(doc.webhooks ?? {})].flatMap(
      (item: any) => ["get", "post", "put", "patch", "delete"].filter((m) => item[m]),
    ).length;
    expect(Object.keys(doc.webhooks ?? {})).toEqual(["opsAlert", "notificationStatuses"]);
    await page.waitForFunction(
      (n) => (globalThis as any).document.querySelectorAll(".opblock").length >= n,
      operations,
      {
        timeout: 20_000,
      },
    );
    expect(await page.locator(".opblock").count()).toBe(operations);
    await expect(page.locator(".info .title").first().textContent()).resolves.toContain("Herald API");

    // An operation opens and shows its documented example.
    await page.locator(".opblock-summary-path", { hasText: "/v1/events/batch" }).first().click();
    await page.waitForSelector(".opblock.is-open .microlight, .opblock.is-open .example", {
      timeout: 10_000,
    });
    const opened = await page.locator(".opblock.is-open").first().textContent();
    expect(opened).toContain("order-A-1042-placed");

    expect(blocked).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});
