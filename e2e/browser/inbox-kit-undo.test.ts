import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendInAppOrder } from "../harness/index.ts";
import { type InboxKitApp, startInboxKitApp } from "./inbox-kit-app.ts";
import { badge, bell, item, live, untilInAppSent } from "./inbox-kit-helpers.ts";

/** The inbox kit's undos in Chromium against the real API and workers: mark as unread, restore. */
let kit: InboxKitApp;

beforeAll(async () => {
  kit = await startInboxKitApp();
});
afterAll(async () => {
  await kit?.close();
});

const sendAll = async (userId: string, orders: string[]) => {
  // One after another: the feed's order (by creation) is then the orders'.
  for (const order of orders)
    await untilInAppSent(kit.herald, await sendInAppOrder(kit.herald, userId, order));
};
const titles = (tab: Page) => tab.locator(".herald-inbox__item-title").allTextContents();
const order = (o: string) => `Order ${o} confirmed`;

describe("<Inbox/> undoing a read or an archive", () => {
  it("marks a read item unread: the badge counts it again, here and in the user's other tab", async () => {
    await sendAll("kit-unread", ["U-1", "U-2"]);
    const [a, b] = [await kit.openApp("kit-unread"), await kit.openApp("kit-unread")];
    await Promise.all([live(a), live(b), badge(a, 2), badge(b, 2)]);

    await bell(a).click();
    await item(a, "U-1").locator(".herald-inbox__item-main").click();
    await Promise.all([badge(a, 1), badge(b, 1)]);
    await a.getByRole("button", { name: `Mark as unread: ${order("U-1")}` }).click();
    await Promise.all([badge(a, 2), badge(b, 2)]);
    expect(await item(a, "U-1").getAttribute("data-read")).toBe("false");
    // A read item only has the button.
    expect(await a.getByRole("button", { name: `Mark as unread: ${order("U-2")}` }).count()).toBe(0);

    const feed = (await kit.herald.call("GET", "/v1/users/kit-unread/inbox")).body;
    expect(feed.counts.unread).toBe(2);
    const u1 = feed.data.find((i: { title: string }) => i.title === order("U-1"));
    expect(u1).toMatchObject({ status: "READ", read: false });
    await Promise.all([a.close(), b.close()]);
  });

  it("restores an archived item from the Archived list into its place in the feed, in both tabs", async () => {
    await sendAll("kit-restore", ["A-1", "A-2", "A-3"]);
    const [a, b] = [await kit.openApp("kit-restore"), await kit.openApp("kit-restore")];
    await Promise.all([live(a), live(b), badge(a, 3), badge(b, 3)]);
    await bell(a).click();
    await bell(b).click();
    await a.getByRole("button", { name: `Archive: ${order("A-2")}` }).click();
    await Promise.all([badge(a, 2), badge(b, 2)]);

    const archived = a.getByRole("button", { name: "Archived" });
    await archived.click();
    expect(await archived.getAttribute("aria-pressed")).toBe("true");
    await a.getByRole("button", { name: `Restore: ${order("A-2")}` }).click();
    await a.getByText("No archived notifications.").waitFor();
    await Promise.all([badge(a, 3), badge(b, 3)]);
    await archived.click();
    const inPlace = [order("A-3"), order("A-2"), order("A-1")];
    expect(await titles(a)).toEqual(inPlace);
    // Tab B lost the item with the archive: it comes back from the copy in the stream's `unarchived`.
    await expect.poll(() => titles(b)).toEqual(inPlace);
    await Promise.all([a.close(), b.close()]);
  });
});
