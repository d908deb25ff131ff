import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendInAppOrder } from "../harness/index.ts";
import { type InboxKitApp, startInboxKitApp } from "./inbox-kit-app.ts";
import { badge, bell, item, live, untilInAppSent } from "./inbox-kit-helpers.ts";

/**
 * The inbox kit in Chromium when things go wrong between tabs and networks:
 * a failed change racing another tab's, a stream dropped past its token's
 * expiry.
 */
let kit: InboxKitApp;

beforeAll(async () => {
  kit = await startInboxKitApp();
});
afterAll(async () => {
  await kit?.close();
});

const sendAll = async (userId: string, orders: string[]) => {
  const ids = await Promise.all(orders.map((o) => sendInAppOrder(kit.herald, userId, o)));
  await Promise.all(ids.map((id) => untilInAppSent(kit.herald, id)));
};
const state = (tab: Page) => tab.evaluate(() => (globalThis as any).inbox.getState());
const titles = (tab: Page) => tab.locator(".herald-inbox__item-title").allTextContents();

/** The names of the inbox stream's events the tab has received so far (Chrome's DevTools protocol). */
async function streamEvents(tab: Page): Promise<string[]> {
  const names: string[] = [];
  const cdp = await tab.context().newCDPSession(tab);
  cdp.on("Network.eventSourceMessageReceived", (e) => names.push(e.eventName));
  await cdp.send("Network.enable");
  return names;
}

describe("@herald/inbox recovering in a real browser", () => {
  it("a read that fails after another tab read the same item leaves it read, not rolled back", async () => {
    await sendAll("kit-race", ["R-1", "R-2"]);
    const a = await kit.openApp("kit-race");
    const b = await kit.openApp("kit-race");
    const seenByA = await streamEvents(a);
    await Promise.all([live(a), live(b), badge(a, 2), badge(b, 2)]);
    let fail!: () => void;
    const failing = new Promise<void>((r) => {
      fail = r;
    });
    await a.route("**/inbox/*/read", async (route) => {
      await failing;
      await route.fulfill({ status: 503, contentType: "application/json", body: "{}" });
    });

    await bell(a).click();
    await item(a, "R-1").locator(".herald-inbox__item-main").click();
    await badge(a, 1);
    // Tab B reads the same item while A's request is out; A's stream tells it.
    await bell(b).click();
    await item(b, "R-1").locator(".herald-inbox__item-main").click();
    await badge(b, 1);
    await expect.poll(() => seenByA.includes("read")).toBe(true);
    fail();

    await a.getByRole("alert").filter({ hasText: "could not be saved" }).waitFor();
    // The server has it read: so does tab A, its badge and its counts.
    expect(await item(a, "R-1").getAttribute("data-read")).toBe("true");
    expect(await item(a, "R-2").getAttribute("data-read")).toBe("false");
    await badge(a, 1);
    expect((await state(a)).counts.unread).toBe(1);
    expect((await kit.herald.call("GET", "/v1/users/kit-race/inbox")).body.counts.unread).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it("keeps the pages loaded with Load more when the stream comes back past its token's expiry (401)", async () => {
    await sendAll("kit-drop", ["D-1", "D-2", "D-3", "D-4", "D-5"]);
    let expiresAt = 0;
    let asked = 0;
    kit.tokenPlans.set("kit-drop", async () => {
      asked++;
      if (asked > 1) return kit.issuedToken("kit-drop");
      expiresAt = Date.now() + 3000;
      return kit.shortToken("kit-drop", 3000);
    });
    /** The first pages fetched (answered 200: one refused with the old token is tried again). */
    const firstPages: string[] = [];
    const tab = await kit.openApp("kit-drop", { api: kit.proxiedApi, pageSize: "2" }, (t) =>
      t.on("response", (r) => {
        const url = new URL(r.url());
        if (r.ok() && url.pathname.endsWith("/inbox") && !url.searchParams.has("cursor"))
          firstPages.push(r.url());
      }),
    );
    await live(tab);
    await tab.waitForFunction(() => (globalThis as any).inbox.getState().loaded);
    // The stream's network drops before the token expires (so no `token_expired` reaches the tab)...
    const release = kit.cutStreams();
    expect(asked).toBe(1);
    await tab.locator('.herald-inbox[data-connection="reconnecting"]').waitFor();
    // ...while the user pages down (the feed's own requests still go through)...
    await bell(tab).click();
    await tab.getByRole("button", { name: "Load more" }).click();
    await tab.locator(".herald-inbox__item").nth(3).waitFor();
    const loaded = await titles(tab);
    expect(loaded).toHaveLength(4);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 200)));
    // ...and comes back after: EventSource's reconnection gets 401, the store renews the token.
    const fetchedBefore = firstPages.length;
    release();
    await live(tab);
    expect(asked).toBe(2);
    // The first page was fetched again, and merged: the four items loaded are all still there.
    expect(firstPages.length).toBe(fetchedBefore + 1);
    expect(await titles(tab)).toEqual(loaded);
    // Load more goes on where it was.
    await tab.getByRole("button", { name: "Load more" }).click();
    await tab.locator(".herald-inbox__item").nth(4).waitFor();
    expect((await titles(tab)).sort()).toEqual(
      ["D-1", "D-2", "D-3", "D-4", "D-5"].map((o) => `Order ${o} confirmed`),
    );
    expect((await state(tab)).hasMore).toBe(false);
    await tab.close();
  });
});
