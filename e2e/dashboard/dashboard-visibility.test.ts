import { insertEvents, insertNotifications, recordAmbiguousProviders, upsertRecipient } from "@herald/db";
import { newId } from "@herald/ids";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * What the dashboard must not hide: the opt-outs in force below the
 * top-level switches (support's "why did I get nothing?"), and a queue store
 * that cannot be read (not healthy zeros), a failure that is final (not
 * "retrying", not polled for ever).
 */
let stack: DashboardStack;
let page: Page;

beforeAll(async () => {
  stack = await startDashboardStack();
  const { herald } = stack;
  expect((await herald.call("PUT", "/v1/users/linus", { email: "linus@example.com" })).status).toBe(200);
  // What a one-click unsubscribe and the user's own mutes leave behind.
  const put = await herald.call("PUT", "/v1/users/linus/preferences", {
    categories: { marketing: { channels: { email: false } }, transactional: { channels: { sms: false } } },
    types: { payment_failed: { enabled: false, channels: { email: false } } },
  });
  expect(put.status).toBe(200);
  page = await stack.signedIn(SUPPORT);
}, 90_000);
afterAll(() => stack?.close());

const box = (name: string) => page.getByRole("checkbox", { name, exact: true });

describe("user search", () => {
  it("shows 50 matches with Load more for the others, and finds a user by the Herald id", async () => {
    const ids = await Promise.all(
      Array.from({ length: 52 }, (_, i) =>
        upsertRecipient(stack.herald.db.db, `many-${String(i).padStart(2, "0")}`, {}).then((r) => r.id),
      ),
    );
    await page.goto(`${stack.herald.url}/users?q=many-`);
    await page.locator(".user-list").waitFor();
    expect(await page.locator(".user-list li").count()).toBe(50);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(1);
    await page.goto(`${stack.herald.url}/users?q=${ids[7]}`);
    await page.getByText("many-07").waitFor();
    expect(await page.locator(".user-list li").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
  });
});

describe("the preferences editor", () => {
  it("shows category channel switches and per-type overrides that are off", async () => {
    await page.goto(`${stack.herald.url}/users/linus`);
    await page.getByRole("heading", { name: "linus" }).waitFor();
    for (const off of [
      "marketing E-mail",
      "transactional SMS",
      "payment_failed enabled",
      "payment_failed E-mail",
    ]) {
      await box(off).waitFor();
      expect(await box(off).isVisible(), off).toBe(true);
      expect(await box(off).isChecked(), off).toBe(false);
    }
    expect(await box("marketing Push").isChecked()).toBe(true);
    // Only the channels a type has: payment_failed has no SMS template.
    expect(await box("payment_failed SMS").count()).toBe(0);
    expect(await page.locator('[data-category="transactional"] summary').textContent()).toContain("3 off");
    expect(await page.locator('[data-category="social"] details').getAttribute("open")).toBeNull();
  });

  it("saves only the switches support flipped, keeping what changed meanwhile", async () => {
    await box("payment_failed enabled").check();
    await box("transactional SMS").check();
    await box("order_placed In-app").uncheck();
    // The user unsubscribes from marketing push while the form is open.
    await stack.herald.call("PUT", "/v1/users/linus/preferences", {
      categories: { marketing: { channels: { push: false } } },
    });
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Preferences saved").waitFor();
    const prefs = (await stack.herald.call("GET", "/v1/users/linus/preferences")).body;
    expect(prefs.categories.marketing.channels).toEqual({ email: false, push: false });
    expect(prefs.categories.transactional.channels).toEqual({ sms: true });
    expect(prefs.types.payment_failed).toEqual({ enabled: true, channels: { email: false } });
    expect(prefs.types.order_placed).toEqual({ channels: { in_app: false } });
    expect(await box("marketing Push").isChecked()).toBe(false);
  });
});

describe("the overview", () => {
  it("says the queue store is unreachable instead of showing empty queues and LIVE", async () => {
    const admin = await stack.signedIn(ADMIN);
    // The API's answer with Redis down (apps/api/test/dashboard-overview.test.ts checks it against a real one).
    await admin.route("**/v1/dashboard/overview", async (route) => {
      const res = await route.fetch();
      await route.fulfill({
        response: res,
        json: { ...(await res.json()), queues: [], queuesUnavailable: true },
      });
    });
    await admin.goto(`${stack.herald.url}/`);
    await admin.locator("[data-queues-unavailable]").waitFor();
    expect(await admin.locator("[data-queues-unavailable]").textContent()).toContain(
      "Queue store (Redis) unreachable",
    );
    expect(await admin.locator(".subtitle").textContent()).toMatch(/^Queue store \(Redis\) unreachable/);
    expect(await admin.locator(".page-header .live").count()).toBe(0);
    const inQueues = admin.locator(".stat", { hasText: "In queues" });
    expect(await inQueues.locator(".stat-value").textContent()).toBe("—");

    await admin.unroute("**/v1/dashboard/overview");
    await admin.locator("[data-queues-unavailable]").waitFor({ state: "detached", timeout: 10_000 });
    await admin.locator(".page-header .live").waitFor();
    // Idle: the schedulers' own jobs (maintenance, digest sweep) are not "in queues".
    const scheduled = await stack.herald.worker!.deps.queues.get("maintenance").getDelayedCount();
    expect(scheduled).toBeGreaterThan(0);
    await expect.poll(() => inQueues.locator(".stat-value").textContent(), { timeout: 10_000 }).toBe("0");
  });
});

/** A notification row as a worker leaves it (no job: these pages only read it). */
async function row(
  status: string,
  extra: { reason?: string; lastError?: string; scheduledAt?: Date; channel?: "sms" | "email" } = {},
) {
  const channel = extra.channel ?? "sms";
  const db = stack.herald.db.db;
  const r = await upsertRecipient(db, "linus", { email: "linus@example.com" });
  const [e] = await insertEvents(db, [
    { type: "order_placed", userId: "linus", data: {}, priority: "normal" },
  ]);
  const [n] = await insertNotifications(db, [
    {
      id: newId("ntf"),
      eventId: e!.event.id,
      recipientId: r.id,
      userId: "linus",
      type: "order_placed",
      category: "transactional",
      channel,
      priority: "normal",
      status: status as never,
      content: (channel === "sms"
        ? { channel, text: "t" }
        : { channel, subject: "s", html: "<p>h</p>", text: "h" }) as never,
      ...(extra.scheduledAt ? { scheduledAt: extra.scheduledAt } : {}),
    },
  ]);
  if (extra.reason || extra.lastError) {
    await stack.herald.db.sql`UPDATE notifications SET reason = ${extra.reason ?? null},
      last_error = ${extra.lastError ?? null} WHERE id = ${n!.id}`;
  }
  return n!.id;
}

/** How many times the page asks for `path` in `ms`. */
async function requestsIn(p: Page, path: string, ms: number) {
  let n = 0;
  const count = (r: { url(): string }) => {
    if (new URL(r.url()).pathname === path) n++;
  };
  p.on("request", count);
  await p.waitForTimeout(ms);
  p.off("request", count);
  return n;
}

describe("failures and notification pages", () => {
  let admin: Page;
  let permanent: string;
  let retrying: string;
  beforeAll(async () => {
    admin = await stack.signedIn(ADMIN);
    permanent = await row("FAILED", {
      reason: "permanent_error",
      lastError: "twilio 21211: invalid To number",
    });
    retrying = await row("FAILED", { lastError: "twilio 503" });
  });

  it("lists permanent failures apart from those awaiting a retry", async () => {
    await admin.goto(`${stack.herald.url}/failures?tab=failing`);
    await admin.locator(`tr[data-notification-id="${retrying}"]`).waitFor();
    expect(await admin.locator(`tr[data-notification-id="${permanent}"]`).count()).toBe(0);
    await admin.getByRole("tab", { name: "Failed permanently" }).click();
    await admin.locator(`tr[data-notification-id="${permanent}"]`).waitFor();
    expect(await admin.locator(`tr[data-notification-id="${retrying}"]`).count()).toBe(0);
    // Once its address is fixed an admin retries it (the API takes permanent failures too).
    const permanentRow = admin.locator(`tr[data-notification-id="${permanent}"]`);
    expect(await permanentRow.getByRole("button", { name: "Retry" }).count()).toBe(1);
    const retryingRow = async () => {
      await admin.getByRole("tab", { name: "Retrying" }).click();
      await admin.locator(`tr[data-notification-id="${retrying}"]`).waitFor();
      return admin
        .locator(`tr[data-notification-id="${retrying}"]`)
        .getByRole("button", { name: "Retry" })
        .count();
    };
    expect(await retryingRow()).toBe(0);
  });

  it("labels a permanent failure and stops polling it; a missing one is not polled either", async () => {
    await admin.goto(`${stack.herald.url}/notifications/${permanent}`);
    await admin.getByText("failed permanently").waitFor();
    expect(await admin.locator(".page-header .live").count()).toBe(0);
    expect(await requestsIn(admin, `/v1/notifications/${permanent}`, 2500)).toBe(0);

    const missing = "ntf_00000000000000000000000000";
    await admin.goto(`${stack.herald.url}/notifications/${missing}`);
    await admin.locator(".state").first().waitFor();
    expect(await requestsIn(admin, `/v1/notifications/${missing}`, 2500)).toBe(0);
  });

  it("says why an e-mail waits for one provider, and nothing of it on one that does not", async () => {
    const pinned = await row("FAILED", { lastError: "resend 503", channel: "email" });
    await recordAmbiguousProviders(stack.herald.db.db, [{ id: pinned, provider: "resend", batchKey: null }]);
    await admin.goto(`${stack.herald.url}/notifications/${pinned}`);
    const line = admin.locator("[data-pinned-provider]");
    await line.waitFor();
    expect(await line.textContent()).toContain(
      "Pinned to resend: an earlier attempt may have left the e-mail there; it is sent only through resend, with the same key",
    );

    await admin.goto(`${stack.herald.url}/notifications/${permanent}`);
    await admin.getByText("failed permanently").waitFor();
    expect(await admin.locator("[data-pinned-provider]").count()).toBe(0);
  });

  it("shows when a scheduled notification goes out, polls it slowly, and asks before canceling", async () => {
    const at = new Date(Date.now() + 3 * 24 * 3600_000);
    const id = await row("SCHEDULED", { scheduledAt: at });
    await admin.goto(`${stack.herald.url}/notifications/${id}`);
    const fact = admin.locator(`[data-scheduled-at]`);
    await fact.waitFor();
    expect(new Date((await fact.getAttribute("data-scheduled-at"))!).getTime()).toBe(at.getTime());
    expect(await admin.getByText("Scheduled for").count()).toBe(1);
    expect(await requestsIn(admin, `/v1/notifications/${id}`, 2500)).toBe(0);

    let asked = "";
    admin.once("dialog", (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await admin.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => asked).toContain(id);
    expect((await stack.herald.call("GET", `/v1/notifications/${id}`)).body.status).toBe("SCHEDULED");
  });
});

describe("an event that sent nothing", () => {
  it("Send test says no notification was sent and why; the event's page lists the suppressed channels", async () => {
    const { herald } = stack;
    expect((await herald.call("PUT", "/v1/users/max", { email: "max@example.com" })).status).toBe(200);
    await herald.call("PUT", "/v1/users/max/preferences", {
      categories: { marketing: { channels: { email: false } } },
    });
    const admin = await stack.signedIn(ADMIN);
    await admin.goto(`${herald.url}/templates`);
    const form = admin.getByRole("form", { name: "Send weekly_promo test" });
    await form.getByPlaceholder("user id").fill("max");
    // It asks first: the user gets a real message.
    const asked = new Promise<string>((resolve) =>
      admin.once("dialog", (d) => {
        resolve(d.message());
        void d.accept();
      }),
    );
    await form.getByRole("button", { name: "Send test" }).click();
    expect(await asked).toBe(
      "Send the example weekly_promo to max on every channel that reaches them? They will receive it.",
    );
    const outcome = form.locator("[data-test-outcome]");
    await outcome.waitFor({ timeout: 15_000 });
    expect(await outcome.getAttribute("data-test-outcome")).toBe("bad");
    const text = await outcome.textContent();
    expect(text).toContain("No notification was sent");
    expect(text).toContain("E-mail: turned off in the user's preferences");
    expect(text).not.toContain("Test sent");

    await form.getByRole("link", { name: "See the event" }).click();
    const summary = admin.locator("[data-event-outcome]");
    await summary.waitFor();
    expect(await summary.textContent()).toContain("No notification was sent.");
    expect(await summary.locator('[data-suppressed="email"]').textContent()).toBe(
      "Not sent on E-mail: turned off in the user's preferences",
    );
    expect(await summary.locator('[data-suppressed="push"]').count()).toBe(1);
  });

  it("the user's page lists their events that sent nothing, and topic events that skipped them, each with why", async () => {
    const { herald } = stack;
    expect((await herald.call("PUT", "/v1/users/nora", { email: "nora@example.com" })).status).toBe(200);
    await herald.call("PUT", "/v1/users/nora/preferences", {
      categories: { marketing: { channels: { email: false } } },
    });
    const silent = await stack.trigger("nora", "weekly_promo");
    const sent = await stack.trigger("nora", "order_placed");
    await stack.notificationsOf(sent, 2); // e-mail and in-app
    await eventually(async () => (await herald.call("GET", `/v1/events/${silent}`)).body.status === "routed");
    // A promotion to a topic she is on: it reaches Otto, not her.
    await herald.call("PUT", "/v1/users/otto", { email: "otto@example.com" });
    const subscribed = await herald.call("POST", "/v1/topics/promos/subscribers", {
      subscribers: ["nora", "otto"],
    });
    expect(subscribed.status).toBe(200);
    const broadcast = await herald.call("POST", "/v1/events", {
      type: "weekly_promo",
      topic: "promos",
      data: catalog.weekly_promo.example,
    });
    expect(broadcast.status).toBe(202);
    const topicEvent = broadcast.body.eventId as string;
    await eventually(
      async () => (await herald.call("GET", `/v1/events/${topicEvent}`)).body.status === "routed",
    );

    const support = await stack.signedIn(SUPPORT);
    await support.goto(`${herald.url}/users/nora`);
    const item = support.locator(`.unsent-events [data-event-id="${silent}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain("weekly_promo");
    expect(await item.textContent()).toContain("No notification was sent.");
    expect(await item.locator('[data-suppressed="email"]').textContent()).toBe(
      "Not sent on E-mail: turned off in the user's preferences",
    );
    expect(await item.locator('[data-suppressed="push"]').textContent()).toBe(
      "Not sent on Push: no address or device for this channel",
    );
    // Only the events that made nothing: the order that did send is in "Recent notifications".
    expect(await support.locator(`.unsent-events [data-event-id="${sent}"]`).count()).toBe(0);
    const missed = support.locator(`.unsent-events [data-event-id="${topicEvent}"]`);
    await missed.waitFor();
    expect(await missed.textContent()).toContain("to topic promos");
    expect(await missed.locator('[data-suppressed="email"]').textContent()).toBe(
      "Not sent on E-mail: turned off in the user's preferences",
    );
    expect(await support.locator(".unsent-events [data-event-id]").count()).toBe(2);
    // The topic event's page lists who it reached with nothing: Nora, not Otto.
    await missed.getByRole("link", { name: "See the event →" }).click();
    const summary = support.locator(`[data-event-outcome="${topicEvent}"]`);
    await summary.waitFor();
    expect(await summary.textContent()).toContain("to topic promos");
    const nora = summary.locator('[data-missed-user="nora"]');
    await nora.waitFor();
    expect(await nora.locator('[data-suppressed="email"]').textContent()).toBe(
      "Not sent on E-mail: turned off in the user's preferences",
    );
    expect(await summary.locator("[data-missed-user]").count()).toBe(1);
    await support.goto(`${herald.url}/users/nora`);

    await item.getByRole("link", { name: "See the event →" }).click();
    await support.locator(`[data-event-outcome="${silent}"]`).waitFor();
  });
});
