import { eventually } from "@herald/testkit";
import type { Page } from "playwright-core";
import type { Herald } from "../harness/index.ts";

// What `inbox-kit.test.ts` does to Herald and finds on the app page (`inbox-kit/page.tsx`).

/** Until the event's in-app notification is SENT, i.e. announced on the user's stream. */
export async function untilInAppSent(herald: Herald, eventId: string): Promise<void> {
  await eventually(async () => {
    const res = await herald.call("GET", `/v1/events/${eventId}`);
    const statuses = ((res.body?.notifications ?? []) as { status: string }[]).map((n) => n.status);
    if (!statuses.some((s) => ["SENT", "DELIVERED", "READ"].includes(s)))
      throw new Error(`event ${eventId} was not sent`);
    return true;
  }, 10_000);
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
