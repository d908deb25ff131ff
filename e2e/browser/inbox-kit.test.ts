import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendInAppOrder } from "../harness/index.ts";
import { type InboxKitApp, startInboxKitApp } from "./inbox-kit-app.ts";
import { badge, bell, item, live, untilInAppSent } from "./inbox-kit-helpers.ts";

/**
 * @herald/inbox and @herald/inbox-react bundled into an app page on its own
 * origin, against a real API and worker, in Chromium.
 */
let kit: InboxKitApp;

beforeAll(async () => {
  kit = await startInboxKitApp();
});
afterAll(async () => {
  await kit?.close();
});

const send = (userId: string, orderId: string) => sendInAppOrder(kit.herald, userId, orderId);
const untilSent = (eventId: string) => untilInAppSent(kit.herald, eventId);
const openApp = (...args: Parameters<InboxKitApp["openApp"]>) => kit.openApp(...args);

describe("@herald/inbox-react's <Inbox /> in a real browser", () => {
  it("shows live items with the badge, applies a read and a read-all made in another tab, and closes on Escape", async () => {
    const [a, b] = await Promise.all([openApp("kit-ada"), openApp("kit-ada")]);
    await Promise.all([live(a), live(b)]);
    await badge(a, 0);

    await send("kit-ada", "K-1");
    await Promise.all([badge(a, 1), badge(b, 1)]);
    await bell(a).click();
    expect(await bell(a).getAttribute("aria-expanded")).toBe("true");
    await item(a, "K-1").waitFor();
    expect(await item(a, "K-1").getAttribute("data-read")).toBe("false");

    // Read in tab A: tab B's badge follows, and its item is read.
    await item(a, "K-1").locator(".herald-inbox__item-main").click();
    await Promise.all([badge(a, 0), badge(b, 0)]);
    await b.waitForFunction(() => (globalThis as any).inbox.getState().items[0]?.read === true);

    await send("kit-ada", "K-2");
    await send("kit-ada", "K-3");
    await Promise.all([badge(a, 2), badge(b, 2)]);
    await bell(b).click();
    await b.getByRole("button", { name: "Mark all as read" }).click();
    await Promise.all([badge(a, 0), badge(b, 0)]);
    await a.locator('.herald-inbox__item[data-read="true"]').nth(2).waitFor();
    expect(await a.locator(".herald-inbox__item").count()).toBe(3);
    const feed = await kit.herald.call("GET", "/v1/users/kit-ada/inbox");
    expect(feed.body.counts.unread).toBe(0);

    // Archived in tab B: gone from both feeds.
    await b.getByRole("button", { name: "Archive: Order K-1 confirmed" }).click();
    await item(a, "K-1").waitFor({ state: "detached" });
    await item(b, "K-1").waitFor({ state: "detached" });
    expect(await a.evaluate(() => (globalThis as any).inbox.getState().counts.total)).toBe(2);

    await a.keyboard.press("Escape");
    await a.getByRole("dialog").waitFor({ state: "detached" });
    expect(await bell(a).getAttribute("aria-expanded")).toBe("false");
    expect(await a.evaluate(() => (globalThis as any).document.activeElement?.className)).toBe(
      "herald-inbox__bell",
    );
    await Promise.all([a.close(), b.close()]);
  });

  it("pages through the feed with Load more", async () => {
    const ids = await Promise.all(["P-1", "P-2", "P-3", "P-4", "P-5"].map((o) => send("kit-pages", o)));
    await Promise.all(ids.map(untilSent));
    const tab = await openApp("kit-pages", { pageSize: "2" });
    await badge(tab, 5);
    await bell(tab).click();
    const rows = tab.locator(".herald-inbox__item");
    for (const shown of [2, 4, 5]) {
      await rows.nth(shown - 1).waitFor();
      if (shown < 5) await tab.getByRole("button", { name: "Load more" }).click();
    }
    await tab.getByRole("button", { name: "Load more" }).waitFor({ state: "detached" });
    const titles = await tab.locator(".herald-inbox__item-title").allTextContents();
    expect(titles.sort()).toEqual(["P-1", "P-2", "P-3", "P-4", "P-5"].map((o) => `Order ${o} confirmed`));
    await tab.close();
  });

  it("gets a new token when the stream's expires or is revoked, and loses nothing sent meanwhile", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let asked = 0;
    kit.tokenPlans.set("kit-exp", async () => {
      asked++;
      if (asked === 1) return kit.shortToken("kit-exp", 2500);
      if (asked === 2) await gate; // the switch, held open while an item is sent
      return kit.issuedToken("kit-exp");
    });
    const feedFetches: string[] = [];
    const tab = await openApp("kit-exp", {}, (t) =>
      t.on("request", (r) => {
        if (new URL(r.url()).pathname === "/v1/users/kit-exp/inbox") feedFetches.push(r.url());
      }),
    );
    await live(tab);
    await tab.waitForFunction(() => (globalThis as any).inbox.getState().loaded);

    // The short token expires: the store asks the app's backend again, and waits for it.
    await tab.waitForFunction(() => (globalThis as any).counters.tokenRequests === 2, null, {
      timeout: 10_000,
    });
    expect(await tab.evaluate(() => (globalThis as any).inbox.getState().connection)).toBe("reconnecting");
    await untilSent(await send("kit-exp", "E-1"));
    release();
    await live(tab);
    // The item itself, not only the count (which the new stream's `counts` would set anyway).
    await tab.waitForFunction(
      () => (globalThis as any).inbox.getState().items.some((i: any) => i.title === "Order E-1 confirmed"),
      null,
      { timeout: 10_000 },
    );
    await badge(tab, 1);
    // Resumed by the stream's replay, not by refetching the feed (fetched once, at start).
    expect(feedFetches).toHaveLength(1);

    // A revocation: the stream says so, the store gets a token issued after it, and goes on.
    expect((await kit.herald.call("POST", "/v1/users/kit-exp/token/revoke")).status).toBe(200);
    await tab.waitForFunction(() => (globalThis as any).counters.tokenRequests === 3, null, {
      timeout: 10_000,
    });
    await live(tab);
    await send("kit-exp", "E-2");
    await badge(tab, 2);
    await bell(tab).click();
    await item(tab, "E-1").waitFor();
    await item(tab, "E-2").waitFor();
    expect(await tab.locator(".herald-inbox__item").count()).toBe(2);
    await tab.close();
  });

  it("a refused fixed token ends in a clear error", async () => {
    const plain = (await kit.herald.call("GET", "/v1/users/kit-static/token")).body.token as string;
    await kit.herald.call("POST", "/v1/users/kit-static/token/revoke");
    const refused = await openApp("kit-static", { token: plain });
    await refused.locator('.herald-inbox[data-connection="closed"]').waitFor();
    await bell(refused).click();
    await refused.getByRole("alert").filter({ hasText: "was revoked" }).waitFor();
    expect(await refused.evaluate(() => (globalThis as any).inbox.getState().error.kind)).toBe(
      "unauthorized",
    );
    await refused.close();
  });

  it("a failed mark-read is rolled back", async () => {
    await untilSent(await send("kit-fail", "F-1"));
    const tab = await openApp("kit-fail");
    await live(tab);
    await badge(tab, 1);
    let fail!: () => void;
    const failing = new Promise<void>((r) => {
      fail = r;
    });
    let readFailed!: () => void;
    const afterRead = new Promise<void>((r) => {
      readFailed = r;
    });
    await tab.route("**/inbox/*/read", async (route) => {
      await failing;
      await route.abort("internetdisconnected");
      readFailed();
    });
    // The `seen` sent when the feed opens answers only after the read failed, as a slow request would.
    await tab.route("**/inbox/seen", async (route) => {
      await afterRead;
      await route.continue();
    });
    await bell(tab).click();
    await item(tab, "F-1").locator(".herald-inbox__item-main").click();
    // Optimistic: read at once...
    await badge(tab, 0);
    expect(await item(tab, "F-1").getAttribute("data-read")).toBe("true");
    fail();
    // ...and unread again when the request fails.
    await badge(tab, 1);
    expect(await item(tab, "F-1").getAttribute("data-read")).toBe("false");
    await tab.getByRole("alert").filter({ hasText: "could not be saved" }).waitFor();
    // The late `seen` succeeding does not hide the message about the read.
    await tab.waitForFunction(() => (globalThis as any).counters.seenSettled === 1);
    expect(await tab.getByRole("alert").filter({ hasText: "could not be saved" }).isVisible()).toBe(true);
    const feed = await kit.herald.call("GET", "/v1/users/kit-fail/inbox");
    expect(feed.body.data[0]).toMatchObject({ read: false, seen: true });
    await tab.close();
  });

  it("marks the shown items seen with one request on opening; other tabs follow, and a backend's seen-all too", async () => {
    const sent = await Promise.all(["S-1", "S-2", "S-3", "S-4", "S-5"].map((o) => send("kit-seen", o)));
    await Promise.all(sent.map(untilSent));
    const seenPosts: { path: string; ids?: string[] }[] = [];
    const a = await openApp("kit-seen", {}, (t) =>
      t.on("request", (r) => {
        const path = new URL(r.url()).pathname;
        if (r.method() === "POST" && path.endsWith("/seen"))
          seenPosts.push({ path, ids: (r.postDataJSON() as { ids?: string[] } | null)?.ids });
      }),
    );
    const b = await openApp("kit-seen");
    await Promise.all([live(a), live(b), badge(a, 5), badge(b, 5)]);
    const unseen = (tab: Page) => tab.evaluate(() => (globalThis as any).inbox.getState().counts.unseen);
    expect(await unseen(b)).toBe(5);

    await bell(a).click();
    await a.waitForFunction(() => (globalThis as any).counters.seenSettled === 1);
    expect(seenPosts.map((p) => p.path)).toEqual(["/v1/users/kit-seen/inbox/seen"]);
    expect(seenPosts[0]!.ids).toHaveLength(5);
    expect(await unseen(a)).toBe(0);
    // Tab B's items turn seen from the stream's one `seen` event; seen is not read.
    await b.waitForFunction(() => {
      const s = (globalThis as any).inbox.getState();
      return s.counts.unseen === 0 && s.items.length === 5 && s.items.every((i: any) => i.seen && !i.read);
    });
    await badge(b, 5);
    await a.close();

    // The backend marks everything seen: `seen_all` reaches the open tab, items not loaded included.
    await Promise.all(["S-6", "S-7"].map((o) => send("kit-seen", o)));
    await b.waitForFunction(() => (globalThis as any).inbox.getState().counts.unseen === 2);
    const all = await kit.herald.call("POST", "/v1/users/kit-seen/inbox/seen-all");
    expect(all.body).toEqual({ updated: 2, counts: { unread: 7, unseen: 0, total: 7 } });
    await b.waitForFunction(() => {
      const s = (globalThis as any).inbox.getState();
      return s.counts.unseen === 0 && s.items.length === 7 && s.items.every((i: any) => i.seen);
    });
    await b.close();
  });

  it("a failed seen is rolled back: the items it sent are unseen again", async () => {
    const sent = await Promise.all(["U-1", "U-2", "U-3"].map((o) => send("kit-seen-fail", o)));
    await Promise.all(sent.map(untilSent));
    const tab = await openApp("kit-seen-fail");
    await live(tab);
    await badge(tab, 3);
    let fail!: () => void;
    const failing = new Promise<void>((r) => {
      fail = r;
    });
    await tab.route("**/inbox/seen", async (route) => {
      await failing;
      await route.abort("internetdisconnected");
    });
    const state = () =>
      tab.evaluate(() => {
        const s = (globalThis as any).inbox.getState();
        return { unseen: s.counts.unseen, seen: s.items.map((i: any) => i.seen) };
      });
    await bell(tab).click();
    // Optimistic: seen at once...
    await tab.waitForFunction(() => (globalThis as any).inbox.getState().counts.unseen === 0);
    expect(await state()).toEqual({ unseen: 0, seen: [true, true, true] });
    fail();
    // ...and unseen again when the request fails, once (the feed does not send it again).
    await tab.waitForFunction(() => (globalThis as any).counters.seenSettled === 1);
    expect(await state()).toEqual({ unseen: 3, seen: [false, false, false] });
    await tab.getByRole("alert").filter({ hasText: "could not be saved" }).waitFor();
    expect((await kit.herald.call("GET", "/v1/users/kit-seen-fail/inbox")).body.counts.unseen).toBe(3);
    await tab.close();
  });

  it("shows the user's own preferences, required categories locked, and saves or rolls back a switch", async () => {
    const tab = await openApp("kit-prefs", { prefs: "1" });
    await bell(tab).click();
    await tab.getByText("You're all caught up.").waitFor();
    await bell(tab).click();
    const security = tab.getByRole("checkbox", { name: /^Security/ });
    const marketing = tab.getByRole("checkbox", { name: /^Marketing/ });
    await security.waitFor();
    expect(await security.isChecked()).toBe(true);
    expect(await security.isDisabled()).toBe(true);
    expect(await marketing.isChecked()).toBe(true);

    await marketing.click();
    await expect
      .poll(
        async () =>
          (await kit.herald.call("GET", "/v1/users/kit-prefs/preferences")).body.categories.marketing,
      )
      .toEqual({ enabled: false });
    expect(await marketing.isChecked()).toBe(false);

    await tab.route("**/preferences", (route) =>
      route.request().method() === "PUT" ? route.abort("internetdisconnected") : route.continue(),
    );
    const sms = tab.getByRole("checkbox", { name: "SMS" });
    await sms.click();
    await tab.getByRole("alert").filter({ hasText: "could not be saved" }).waitFor();
    expect(await sms.isChecked()).toBe(true);
    expect((await kit.herald.call("GET", "/v1/users/kit-prefs/preferences")).body.channels.sms).not.toBe(
      false,
    );
    await tab.close();
  });

  it("speaks German with locale de-AT: the bell, the feed and the preferences panel", async () => {
    const tab = await openApp("kit-de", { prefs: "1", locale: "de-AT" });
    await live(tab);
    await tab.locator('.herald-inbox__bell[aria-label="Benachrichtigungen"]').waitFor();
    await send("kit-de", "DE-1");
    await tab.locator('.herald-inbox__bell[aria-label="Benachrichtigungen, 1 ungelesen"]').waitFor();
    await bell(tab).click();
    await tab.getByRole("dialog", { name: "Benachrichtigungen" }).waitFor();
    await item(tab, "DE-1").getByRole("img", { name: "Ungelesen" }).waitFor();
    await tab.getByRole("button", { name: "Alle als gelesen markieren" }).click();
    await tab.locator('.herald-inbox__bell[aria-label="Benachrichtigungen"]').waitFor();
    await tab.getByRole("button", { name: "Archivieren: Order DE-1 confirmed" }).click();
    await tab.getByText("Sie sind auf dem neuesten Stand.").waitFor();
    await tab.keyboard.press("Escape");
    await tab.getByRole("dialog").waitFor({ state: "detached" });

    const security = tab.getByRole("checkbox", { name: /^Sicherheit \(erforderlich\)/ });
    await security.waitFor();
    expect(await security.isDisabled()).toBe(true);
    for (const legend of ["Kanäle", "Kategorien"]) await tab.getByRole("group", { name: legend }).waitFor();
    await tab.route("**/preferences", (route) =>
      route.request().method() === "PUT" ? route.abort("internetdisconnected") : route.continue(),
    );
    await tab.getByRole("checkbox", { name: "E-Mail" }).click();
    await tab
      .getByRole("alert")
      .filter({ hasText: "Die Änderung konnte nicht gespeichert werden" })
      .waitFor();
    await tab.close();
  });
});
