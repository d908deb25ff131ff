import {
  createApiKey,
  insertEvents,
  insertNotifications,
  insertOutboxMessages,
  type NewNotification,
  revokeApiKey,
  upsertRecipient,
} from "@herald/db";
import { newId } from "@herald/ids";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * Support reaches every item of a long list: users, each failures tab and the
 * outbox page past their first page with "Load more" (the audit found them
 * stopping at 50). Rows are written the way the workers leave them; no
 * worker touches them.
 */
let stack: DashboardStack;
let page: Page;

/** `count` SMS notifications for `userId`, oldest first, each from its own event. */
async function seedRows(
  userId: string,
  count: number,
  row: Pick<NewNotification, "status"> & { reason?: string; lastError?: string },
): Promise<string[]> {
  const db = stack.herald.db.db;
  const r = await upsertRecipient(db, userId, { phone: "+14155550199" });
  const events = await insertEvents(
    db,
    Array.from({ length: count }, () => ({ type: "order_placed", userId, data: {}, priority: "normal" })),
  );
  const rows = await insertNotifications(
    db,
    events.map((e) => ({
      id: newId("ntf"),
      eventId: e.event.id,
      recipientId: r.id,
      userId,
      type: "order_placed",
      category: "transactional",
      channel: "sms" as const,
      priority: "normal" as const,
      status: row.status,
      content: { channel: "sms", text: `for ${userId}` } as never,
    })),
  );
  const ids = rows.map((n) => n.id).sort();
  await stack.herald.db.sql`UPDATE notifications SET reason = ${row.reason ?? null},
    last_error = ${row.lastError ?? null} WHERE id = ANY(${ids})`;
  return ids;
}

const rowsIn = (selector: string) => page.locator(selector).count();

async function loadAll(selector: string, expected: number) {
  for (let i = 0; i < 5 && (await rowsIn(selector)) < expected; i++) {
    const before = await rowsIn(selector);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rowsIn(selector)).toBeGreaterThan(before);
  }
  expect(await rowsIn(selector)).toBe(expected);
  expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
}

beforeAll(async () => {
  stack = await startDashboardStack();
  page = await stack.signedIn(ADMIN);
}, 90_000);
afterAll(() => stack?.close());

describe("Load more", () => {
  it("reaches every user a search matches, past the first 50", async () => {
    const db = stack.herald.db.db;
    for (let i = 0; i < 57; i++) await upsertRecipient(db, `paged-${String(i).padStart(2, "0")}`, {});
    await page.goto(`${stack.herald.url}/users?q=paged-`);
    await page.locator(".user-list li").first().waitFor();
    expect(await rowsIn(".user-list li")).toBe(50);
    await loadAll(".user-list li", 57);
    // Oldest update last: the first user written is the 57th.
    expect(await page.locator(".user-list li").last().textContent()).toContain("paged-00");
  });

  it("reaches the 51st dead letter, and the permanent failures behind many retrying ones", async () => {
    const dead = await seedRows("pager-dead", 53, { status: "DEAD", lastError: "twilio 503" });
    const permanent = await seedRows("pager-permanent", 3, {
      status: "FAILED",
      reason: "permanent_error",
      lastError: "twilio 21211: invalid To number",
    });
    // Newer than the permanent ones: a list of FAILED rows split afterwards would start with these.
    const retrying = await seedRows("pager-retrying", 120, { status: "FAILED", lastError: "twilio 503" });

    await page.goto(`${stack.herald.url}/failures?userId=pager-dead`);
    await page.locator("tr[data-notification-id]").first().waitFor();
    expect(await rowsIn("tr[data-notification-id]")).toBe(50);
    await loadAll("tr[data-notification-id]", 53);
    expect(await page.locator(`tr[data-notification-id="${dead[0]}"]`).count()).toBe(1);

    await page.goto(`${stack.herald.url}/failures?tab=permanent`);
    await page.locator(`tr[data-notification-id="${permanent[0]}"]`).waitFor();
    expect(await rowsIn("tr[data-notification-id]")).toBe(3);

    await page.goto(`${stack.herald.url}/failures?tab=failing&userId=pager-retrying`);
    await page.locator("tr[data-notification-id]").first().waitFor();
    await loadAll("tr[data-notification-id]", 120);
    expect(await page.locator(`tr[data-notification-id="${retrying[0]}"]`).count()).toBe(1);
  });

  it("reaches every API key past the first 50, and the revoked ones on request", async () => {
    const db = stack.herald.db.db;
    const made: string[] = [];
    for (let i = 0; i < 56; i++)
      made.push((await createApiKey(db, { name: `pager key ${i}`, scopes: ["read"] })).row.id);
    const revoked = made[0]!;
    await revokeApiKey(db, revoked);
    const [live] = await stack.herald.db.sql`select count(*)::int as n from api_keys where revoked_at is null
      and (expires_at is null or expires_at > now())`;
    expect(live!.n).toBeGreaterThan(50);
    await page.goto(`${stack.herald.url}/api-keys`);
    await page.locator("tr[data-key-id]").first().waitFor();
    expect(await rowsIn("tr[data-key-id]")).toBe(50);
    // Newest first: the last key made heads the list.
    expect(await page.locator("tr[data-key-id]").first().getAttribute("data-key-id")).toBe(made.at(-1));
    await loadAll("tr[data-key-id]", live!.n);
    expect(await page.locator(`tr[data-key-id="${revoked}"]`).count()).toBe(0);
    await page.getByLabel("Include revoked and expired keys").check();
    // Another list from its first page.
    await page.locator("tr[data-key-id]").first().waitFor();
    await expect.poll(() => rowsIn("tr[data-key-id]")).toBe(50);
    await loadAll("tr[data-key-id]", live!.n + 1);
    await expect.poll(() => page.locator(`tr[data-key-id="${revoked}"]`).textContent()).toContain("revoked");
  });

  it("reaches older messages in the dev outbox", async () => {
    const [n] = await seedRows("pager-outbox", 1, { status: "SENT" });
    await insertOutboxMessages(
      stack.herald.db.db,
      Array.from({ length: 33 }, (_, i) => ({
        notificationId: n!,
        channel: "sms",
        destination: `+1415555${String(i).padStart(4, "0")}`,
      })),
    );
    await page.goto(`${stack.herald.url}/outbox?channel=sms`);
    await page.locator(".outbox-item").first().waitFor();
    expect(await rowsIn(".outbox-item")).toBe(30);
    await loadAll(".outbox-item", 33);
    expect(await page.getByText("to +14155550000").count()).toBe(1);
  });
});
