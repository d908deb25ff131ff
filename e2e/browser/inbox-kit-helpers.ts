import { catalog } from "@herald/templates";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { Herald } from "../harness/index.ts";

// What `inbox-kit.test.ts` does to Herald and finds on the app page (`inbox-kit/page.tsx`).

/** An order confirmation for the user's inbox only; resolves with its event id. */
export async function sendOrder(herald: Herald, userId: string, orderId: string): Promise<string> {
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    data: { ...catalog.order_placed.example, orderId },
    channels: ["in_app"],
  });
  expect(res.status).toBe(202);
  return res.body.eventId;
}

/** Until the event's in-app notification is SENT, i.e. announced on the user's stream. */
export async function untilInAppSent(herald: Herald, eventId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const res = await herald.call("GET", `/v1/events/${eventId}`);
    const statuses = ((res.body?.notifications ?? []) as { status: string }[]).map((n) => n.status);
    if (statuses.some((s) => ["SENT", "DELIVERED", "READ"].includes(s))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`event ${eventId} was not sent`);
}

export const live = (tab: Page) => tab.locator('.herald-inbox[data-connection="live"]').waitFor();
export const bell = (tab: Page) => tab.locator(".herald-inbox__bell");
/** Until the bell says `unread`. */
export const badge = (tab: Page, unread: number) =>
  tab
    .locator(
      `.herald-inbox__bell[aria-label="${unread === 0 ? "Notifications" : `Notifications, ${unread} unread`}"]`,
    )
    .waitFor();
export const item = (tab: Page, orderId: string) =>
  tab.locator(".herald-inbox__item", { hasText: `Order ${orderId} confirmed` });
