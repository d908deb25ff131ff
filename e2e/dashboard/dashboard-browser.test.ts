import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { listOutbox } from "@herald/db";
import { eventually } from "@herald/testkit";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * The dashboard in Debian's Chromium against a real API and workers: the
 * support and admin journeys of issue 7, role checks from the browser, and a
 * screenshot of every page at desktop and phone width.
 */
let stack: DashboardStack;
let deadDora: string; // retried by the admin
let deadEve: string; // stays dead (screenshots, support's 403)
let graceReset: string; // a password reset's event: its link is hidden from support
let adaEmail: string;

const SHOTS = resolve(import.meta.dirname, "../../.herald/screenshots");

async function settle(eventId: string, count: number) {
  const rows = await stack.notificationsOf(eventId, count);
  return eventually(async () => {
    const now = await stack.notificationsOf(eventId, count);
    return now.every((n) => !["PENDING", "QUEUED", "FAILED"].includes(n.status)) ? now : null;
  }, 15_000).then(() => rows);
}

const LONG_TOPIC = "release-notes.product-updates.weekly-digest.europe-west-and-north";

beforeAll(async () => {
  stack = await startDashboardStack();
  const { herald } = stack;
  for (const [userId, user] of [
    [
      "ada-lovelace",
      {
        email: "ada@example.com",
        phone: "+14155550100",
        timezone: "Europe/London",
        properties: { name: "Ada", plan: "pro" },
      },
    ],
    ["grace-hopper", { email: "grace@example.com", phone: "+14155550101", timezone: "America/New_York" }],
    ["alan-turing", { email: "alan@example.com", timezone: "Europe/London" }],
    ["dead-dora", { email: "dora@example.com" }],
    ["dead-eve", { email: "eve@example.com" }],
  ] as const) {
    expect((await herald.call("PUT", `/v1/users/${userId}`, user)).status).toBe(200);
  }
  // A long key: the topic pages must wrap it, not scroll sideways, at phone width.
  const subscribed = await herald.call("POST", `/v1/topics/${LONG_TOPIC}/subscribers`, {
    subscribers: ["ada-lovelace", "grace-hopper"],
  });
  expect(subscribed.status).toBe(200);
  stack.failing.add("dead-dora");
  stack.failing.add("dead-eve");
  // E-mail alone: payment_failed's e-mail would otherwise wait an hour behind its push and inbox item.
  const dora = await stack.trigger("dead-dora", "payment_failed", {}, ["email"]);
  const eve = await stack.trigger("dead-eve", "order_placed", { orderId: "E-77" });
  const ada = await stack.trigger("ada-lovelace", "order_placed", { orderId: "A-1042" });
  graceReset = await stack.trigger("grace-hopper", "password_reset");
  await stack.trigger("alan-turing", "weekly_promo");
  await stack.trigger("grace-hopper", "order_placed", { orderId: "G-9" });
  const find = async (eventId: string, channel: string) =>
    (await settle(eventId, 1)).find((n) => n.channel === channel)!;
  deadDora = (
    await eventually(async () => {
      const n = await find(dora, "email");
      return n.status === "DEAD" ? n : null;
    }, 15_000)
  ).id;
  deadEve = (
    await eventually(async () => {
      const n = await find(eve, "email");
      return n.status === "DEAD" ? n : null;
    }, 15_000)
  ).id;
  adaEmail = (await find(ada, "email")).id;
  // Control for the support journey: before any change, Ada's order did send an SMS.
  const adaRows = await settle(ada, 3);
  expect(adaRows.map((n) => n.channel).sort()).toEqual(["email", "in_app", "sms"]);
  expect(adaRows.find((n) => n.channel === "sms")!.status).toBe("SENT");
}, 90_000);
afterAll(() => stack?.close());

async function smsOutboxFor(phone: string) {
  return (await listOutbox(stack.herald.db.db, { channel: "sms" }, 500)).filter(
    (m) => m.destination === phone,
  );
}

describe("support staff", () => {
  let page: Page;
  beforeAll(async () => {
    page = await stack.signedIn(SUPPORT);
  });

  it("find a user, turn off their SMS, and the next event for them sends no SMS", async () => {
    await page.getByRole("link", { name: "Users" }).click();
    await page.getByLabel("Search users").fill("ada");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: /ada-lovelace/ }).click();
    await page.getByRole("heading", { name: "ada-lovelace" }).waitFor();
    await page.getByText("ada@example.com").waitFor();

    const sms = page.getByRole("checkbox", { name: "SMS", exact: true });
    expect(await sms.isChecked()).toBe(true);
    await sms.uncheck();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Preferences saved").waitFor();

    const prefs = await stack.herald.call("GET", "/v1/users/ada-lovelace/preferences");
    // The editor sends only what was changed: e-mail keeps its value (on by default).
    expect(prefs.body.channels.sms).toBe(false);
    expect(prefs.body.channels.email).not.toBe(false);

    const smsBefore = (await smsOutboxFor("+14155550100")).length;
    expect(smsBefore).toBe(1);
    const eventId = await stack.trigger("ada-lovelace", "order_placed", { orderId: "A-2000" });
    const rows = await settle(eventId, 2);
    expect(rows.map((n) => n.channel).sort()).toEqual(["email", "in_app"]);
    const event = await stack.herald.call("GET", `/v1/events/${eventId}`);
    expect(event.body.suppressed).toContainEqual({ channel: "sms", reason: "opted_out" });
    await eventually(async () => (await stack.notificationsOf(eventId, 2)).every((n) => n.status === "SENT"));
    expect((await smsOutboxFor("+14155550100")).length).toBe(smsBefore);
  });

  it("see a password reset's subject but not its link, which opens the user's account", async () => {
    const [email] = (await settle(graceReset, 1)).filter((n) => n.channel === "email");
    const resetUrl = (await stack.herald.call("GET", `/v1/events/${graceReset}`)).body.data.resetUrl;
    expect(resetUrl).toMatch(/^https:/);
    // A page of its own: the tests around this one go on from where the shared page is.
    const own = await stack.signedIn(SUPPORT);
    await own.goto(`${stack.herald.url}/notifications/${email!.id}`);
    await own
      .locator("[data-content-hidden]")
      .getByText(/^Hidden from the support role/)
      .waitFor();
    expect(await own.locator("[data-content-hidden] .mail-head").textContent()).toContain("password");
    expect(await own.content()).not.toContain(resetUrl);
  });

  it("see the API's validation errors inline in the preferences editor, and nothing is saved", async () => {
    await page.getByRole("checkbox", { name: "Hold non-critical messages during quiet hours" }).check();
    await page.getByLabel("Time zone").fill("Mars/Olympus_Mons");
    await page.getByRole("button", { name: "Save preferences" }).click();
    const error = page.locator('[data-field="quietZone"]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/IANA time zone/);
    expect(await page.getByLabel("Time zone").getAttribute("aria-invalid")).toBe("true");
    expect((await stack.herald.call("GET", "/v1/users/ada-lovelace/preferences")).body.quietHours).toBeNull();
  });

  it("revoke a user's inbox tokens: the token their browser held then gets 401, a new one works", async () => {
    const tokenOf = async () => (await stack.herald.call("GET", "/v1/users/ada-lovelace/token")).body.token;
    const inbox = (token: string) =>
      fetch(`${stack.herald.url}/v1/users/ada-lovelace/inbox`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const held = await tokenOf();
    expect((await inbox(held)).status).toBe(200);

    await page.goto(`${stack.herald.url}/users/ada-lovelace`);
    const revokedAt = page.getByTestId("tokens-revoked-at");
    await revokedAt.waitFor();
    expect(await revokedAt.textContent()).toBe("never");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Revoke inbox tokens" }).click();
    await page.getByText("Inbox tokens revoked").waitFor();
    await eventually(async () => (await revokedAt.textContent()) !== "never");

    expect((await inbox(held)).status).toBe(401);
    const fresh = (await stack.herald.call("GET", "/v1/users/ada-lovelace/token?expiresIn=10m")).body.token;
    expect((await inbox(fresh)).status).toBe(200);
  });

  it("get 403 on queue actions and on Bull Board, and see no retry buttons", async () => {
    await page.getByRole("link", { name: "Failures" }).click();
    await page.locator(`tr[data-notification-id="${deadEve}"]`).waitFor();
    await page.getByText("Retrying and discarding are for admins").waitFor();
    expect(await page.getByRole("button", { name: "Retry", exact: true }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Bull Board" }).count()).toBe(0);

    // The same calls the admin's buttons make, from the support user's signed-in page.
    const answers = await page.evaluate(async (id) => {
      const csrf = decodeURIComponent((globalThis as any).document.cookie.match(/herald_csrf=([^;]+)/)![1]!);
      const call = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(path, {
          method,
          headers: { "x-csrf-token": csrf, "content-type": "application/json" },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        return { status: r.status, body: (await r.json()) as any };
      };
      return [
        await call("POST", `/v1/dead-letters/${id}/retry`),
        await call("POST", "/v1/dead-letters/retry", { channel: "email" }),
        await call("DELETE", `/v1/dead-letters/${id}`),
        await call("PUT", "/admin/queues/api/queues/%7Bemail%7D/retry/failed"),
      ];
    }, deadEve);
    for (const a of answers) {
      expect(a.status).toBe(403);
      expect(a.body.error).toMatchObject({ code: "forbidden", requestId: expect.stringMatching(/^req_/) });
    }
    const board = await page.goto(`${stack.herald.url}/admin/queues`);
    expect(board!.status()).toBe(403);
    // A page saying why, with the way back, not the API's JSON.
    expect(await page.textContent("h1")).toBe("Bull Board is for admins");
    await page.click("text=Back to the dashboard");
    await page.waitForURL(`${stack.herald.url}/`);
    expect((await stack.herald.call("GET", `/v1/notifications/${deadEve}`)).body.status).toBe("DEAD");
  });
});

describe("an admin", () => {
  it("is told what does not exist (an event id, a page), and can skip the navigation by keyboard", async () => {
    const page = await stack.signedIn(ADMIN);
    await page.goto(`${stack.herald.url}/notifications?eventId=evt_nope`);
    await page.locator('[data-event-missing="evt_nope"]').getByText("No event evt_nope").waitFor();
    const missing = await page.goto(`${stack.herald.url}/no-such-page`);
    expect(missing!.status()).toBe(404);
    await page.getByText("Page not found").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe(
      "Skip to content",
    );
  });

  it("sees the last 30 days' delivery rates by channel on the overview, as /v1/stats counts them", async () => {
    const page = await stack.signedIn(ADMIN);
    const table = page.locator("[data-delivery-rates]");
    await table.waitFor();
    const stats = (await stack.herald.call("GET", "/v1/stats")).body;
    const cells = async (label: string) =>
      await table
        .locator("tr", { has: page.getByRole("cell", { name: label, exact: true }) })
        .locator("td")
        .allTextContents();
    const all = await cells("All");
    expect(all[1]).toBe(stats.totals.sent.toLocaleString("en-US"));
    const email = stats.byChannel.find((c: { channel: string }) => c.channel === "email");
    expect((await cells("E-mail"))[1]).toBe(email.sent.toLocaleString("en-US"));
    // No STATUS_WEBHOOK_URL here: one line says how to turn them on, no card.
    expect(await page.locator('[data-status-webhooks="off"]').textContent()).toBe(
      "Status webhooks: off (set STATUS_WEBHOOK_URL)",
    );
    expect(await page.getByRole("heading", { name: "Status webhooks" }).count()).toBe(0);
  });

  it("sees a dead notification, retries it, and watches it become SENT", async () => {
    const page = await stack.signedIn(ADMIN);
    await page.getByRole("link", { name: /Failures/ }).click();
    const row = page.locator(`tr[data-notification-id="${deadDora}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("mailer 503: service unavailable");
    expect(await row.locator(".what").textContent()).toContain("E-mail · mailer"); // where the last attempt failed
    stack.failing.delete("dead-dora"); // the provider is back

    await row.getByRole("button", { name: "Retry" }).click();
    const followed = page.locator(`[data-retried-id="${deadDora}"]`);
    await followed.waitFor();
    await followed.locator('[data-status="SENT"]').waitFor({ timeout: 15_000 });
    await row.waitFor({ state: "detached" }); // it left the dead-letter list

    await followed.getByRole("link").click();
    await page.locator('.page-header [data-status="SENT"]').waitFor();
    const timeline = await page
      .locator(".timeline [data-status]")
      .evaluateAll((els) => els.map((e: any) => e.getAttribute("data-status")));
    expect(timeline).toEqual(expect.arrayContaining(["DEAD", "QUEUED", "SENT"]));
    expect(timeline.indexOf("SENT")).toBeGreaterThan(timeline.indexOf("DEAD"));
    const api = await stack.herald.call("GET", `/v1/notifications/${deadDora}`);
    expect(api.body).toMatchObject({ status: "SENT", provider: "mailer" });

    const board = await page.goto(`${stack.herald.url}/admin/queues`);
    expect(board!.status()).toBe(200);
    await page.waitForFunction(() => (globalThis as any).document.title.includes("Herald queues"));
    // The failures page's "Job ↗" link opens that job in Bull Board (the failed job of a dead letter is kept).
    await page.goto(`${stack.herald.url}/failures`);
    const href = await page
      .locator(`tr[data-notification-id="${deadEve}"] a[title="Open the job in Bull Board"]`)
      .getAttribute("href");
    await page.goto(`${stack.herald.url}${href}`);
    await page.getByText("mailer 503: service unavailable").first().waitFor();
  });
});

describe("Bull Board", () => {
  it("loads its pages with nothing blocked by the CSP and nothing asked of other sites", async () => {
    const page = await stack.signedIn(ADMIN);
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
    page.on("requestfailed", (r) => {
      // A load of this Herald cut short by leaving the page (the dashboard's polling, Bull Board's
      // queue list or favicon, seen in clean-clone CI runs) is neither blocked by the CSP (that
      // fails as ERR_BLOCKED_BY_CSP and a console error) nor asked of another site.
      const left = r.failure()?.errorText === "net::ERR_ABORTED" && r.url().startsWith(stack.herald.url);
      if (!left) problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on("request", (r) => {
      if (!r.url().startsWith(stack.herald.url)) problems.push(`elsewhere: ${r.url()}`);
    });
    await page.goto(`${stack.herald.url}/failures`);
    const job = await page
      .locator(`tr[data-notification-id="${deadEve}"] a[title="Open the job in Bull Board"]`)
      .getAttribute("href");
    await page.goto(`${stack.herald.url}/admin/queues`);
    await page.waitForFunction(() => (globalThis as any).document.title.includes("Herald queues"));
    await page.getByText("{email}").first().waitFor();
    // A failed job's page: its data and stack trace (highlighted by a same-origin worker).
    await page.goto(`${stack.herald.url}${job}`);
    await page.getByText("mailer 503: service unavailable").first().waitFor();
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
  });
});

/**
 * A full-page screenshot taken with a viewport as tall as the page: Chromium
 * does not repaint off-screen (sandboxed) frames for `fullPage` captures, so
 * rendered e-mails further down would come out blank.
 */
async function shoot(page: Page, path: string, viewport: { width: number; height: number }) {
  const height = await page.evaluate(
    () => (globalThis as any).document.documentElement.scrollHeight as number,
  );
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  await page.evaluate(
    () =>
      new Promise((done) =>
        (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(done)),
      ),
  );
  await page.screenshot({ path });
  await page.setViewportSize(viewport);
}

describe("every page, at desktop and phone width", () => {
  const VIEWPORTS = [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ];
  const pages = () => [
    { name: "overview", path: "/", heading: "Overview", ready: ".stats" },
    {
      name: "failures",
      path: "/failures",
      heading: "Failures",
      ready: `tr[data-notification-id="${deadEve}"]`,
    },
    { name: "notifications", path: "/notifications", heading: "Notifications", ready: "table" },
    {
      name: "notification-email",
      path: `/notifications/${adaEmail}`,
      heading: /order_placed/,
      ready: "iframe.email-frame",
    },
    {
      name: "notification-dead",
      path: `/notifications/${deadEve}`,
      heading: /order_placed/,
      ready: ".callout-bad",
    },
    { name: "users", path: "/users", heading: "Users", ready: ".user-list" },
    { name: "user-detail", path: "/users/ada-lovelace", heading: "ada-lovelace", ready: "form.prefs" },
    { name: "topics", path: "/topics", heading: "Topics", ready: "[data-topic]" },
    { name: "topic-detail", path: `/topics/${LONG_TOPIC}`, heading: LONG_TOPIC, ready: "[data-subscriber]" },
    { name: "templates", path: "/templates", heading: "Templates", ready: ".template-grid" },
    { name: "outbox", path: "/outbox", heading: "Dev outbox", ready: ".outbox-list" },
    { name: "accounts", path: "/accounts", heading: "Accounts", ready: "tr[data-account-email]" },
    { name: "audit-log", path: "/audit-log", heading: "Audit log", ready: "tr[data-audit-id]" },
    { name: "api-keys", path: "/api-keys", heading: "API keys", ready: "tr[data-key-id]" },
    { name: "not-found-user", path: "/users/nobody-here", heading: "nobody-here", ready: ".state.empty" },
  ];

  for (const viewport of VIEWPORTS) {
    it(`${viewport.width}×${viewport.height}: renders without errors or sideways scrolling, screenshots saved`, async () => {
      mkdirSync(SHOTS, { recursive: true });
      const size = `${viewport.width}x${viewport.height}`;
      const context = await stack.browser.newContext({ viewport });
      const login = await context.newPage();
      await login.goto(`${stack.herald.url}/login`);
      await login.getByRole("button", { name: "Sign in" }).waitFor();
      await login.screenshot({ path: join(SHOTS, `login-${size}.png`) });
      await context.close();

      const page = await stack.signedIn(ADMIN, viewport);
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("response", (r) => {
        if (r.status() >= 500) errors.push(`${r.status()} ${r.url()}`);
      });
      for (const p of pages()) {
        await page.goto(`${stack.herald.url}${p.path}`);
        await page.getByRole("heading", { level: 1, name: p.heading }).waitFor();
        await page.locator(p.ready).first().waitFor();
        await page.locator(".loading").first().waitFor({ state: "detached" });
        // Rendered e-mails are sandboxed frames: wait until each has painted its body.
        for (const frame of await page.locator("iframe.email-frame").all()) {
          await frame.scrollIntoViewIfNeeded();
          await frame.contentFrame().locator("body *").first().waitFor({ state: "attached" });
        }
        await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
        const overflow = await page.evaluate(
          () => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth,
        );
        expect(overflow, `${p.name} scrolls sideways at ${size}`).toBeLessThanOrEqual(0);
        await shoot(page, join(SHOTS, `${p.name}-${size}.png`), viewport);
      }
      if (viewport.width < 500) {
        await page.getByRole("button", { name: "Open menu" }).click();
        await page.getByRole("link", { name: "Templates" }).waitFor();
        // The drawer slides in: shoot once it is all the way in.
        await page.waitForFunction(
          () => (globalThis as any).document.querySelector(".sidebar").getBoundingClientRect().left >= 0,
        );
        await page.screenshot({ path: join(SHOTS, `nav-open-${size}.png`) });
      }
      expect(errors).toEqual([]);
      // Looking at the e-mail did not load its tracking pixel: still SENT, not READ.
      expect((await stack.herald.call("GET", `/v1/notifications/${adaEmail}`)).body.status).toBe("SENT");
      // Fifteen pages, each loaded, painted and shot (twelve took 12–32 s alone, past 30 s while the rest
      // of the suite shares the two cores: a clean-clone run on a slow host hour). It checks rendering, not speed.
    }, 150_000);
  }
});
