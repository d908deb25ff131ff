import { createDashboardUser, insertOutboxMessage, listEventNotifications } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { type Herald, launchChromium, startHerald } from "../harness/index.ts";

export const ADMIN = { email: "olive.ops@example.com", password: "admin-password-123" };
export const SUPPORT = { email: "sam.support@example.com", password: "support-password-123" };

/**
 * An e-mail provider that stores what it accepts in the outbox (like the dev
 * provider) but answers 503 for the users in `failing`: their e-mails retry,
 * then go DEAD, until the "outage" ends.
 */
export function flakyEmail(db: () => Herald["db"]["db"]) {
  const failing = new Set<string>();
  const sender: ChannelSender = {
    channel: "email",
    providers: ["mailer"],
    async send(ctx) {
      if (failing.has(ctx.recipient.externalId)) {
        throw new DeliveryError("transient", "mailer 503: service unavailable", {
          provider: "mailer",
          code: "503",
        });
      }
      const row = await insertOutboxMessage(db(), {
        notificationId: ctx.notification.id,
        channel: "email",
        destination: ctx.recipient.email ?? "",
        content: ctx.notification.content,
      });
      return { provider: "mailer", providerMessageId: row.id };
    },
  };
  return { sender, failing };
}

export interface DashboardStack {
  herald: Herald;
  browser: Browser;
  failing: Set<string>;
  /** A signed-in browser context (own cookies) at the given viewport. */
  signedIn(
    who: { email: string; password: string },
    viewport?: { width: number; height: number },
  ): Promise<Page>;
  /** An event of `type` with its example data (`extra` over it), on `channels` (default: the type's). */
  trigger(
    userId: string,
    type: keyof typeof catalog,
    extra?: Record<string, unknown>,
    channels?: string[],
  ): Promise<string>;
  /** The event's notifications once the router has created them. */
  notificationsOf(
    eventId: string,
    count?: number,
  ): Promise<Awaited<ReturnType<typeof listEventNotifications>>>;
  close(): Promise<void>;
}

export interface DashboardStackOptions {
  /** The workers' environment beyond the harness's (e.g. `STATUS_WEBHOOK_URL`). Default none. */
  workerEnv?: Record<string, string>;
  /** The API's environment beyond the harness's. Default none. */
  apiEnv?: Record<string, string>;
}

/** API + workers (in this process) on a fresh database, two dashboard users, one Chromium. */
export async function startDashboardStack(options: DashboardStackOptions = {}): Promise<DashboardStack> {
  let herald: Herald | undefined;
  const email = flakyEmail(() => herald!.db.db);
  herald = await startHerald({
    overrides: { senders: { email: email.sender } },
    ...(options.workerEnv ? { workerEnv: options.workerEnv } : {}),
    ...(options.apiEnv ? { apiEnv: options.apiEnv } : {}),
  });
  await createDashboardUser(herald.db.db, { ...ADMIN, role: "admin" });
  await createDashboardUser(herald.db.db, { ...SUPPORT, role: "support" });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const h = herald;
  let n = 0;
  return {
    herald: h,
    browser,
    failing: email.failing,
    async signedIn(who, viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${h.url}/`);
      await page.getByLabel("Email").fill(who.email);
      await page.getByLabel("Password").fill(who.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("navigation", { name: "Main" }).waitFor();
      return page;
    },
    async trigger(userId, type, extra = {}, channels) {
      const res = await h.call("POST", "/v1/events", {
        type,
        userId,
        data: { ...catalog[type].example, ...extra },
        ...(channels ? { channels } : {}),
        idempotencyKey: `dash-${userId}-${type}-${++n}-${Date.now()}`,
      });
      expect(res.status).toBe(202);
      return res.body.eventId as string;
    },
    async notificationsOf(eventId, count = 1) {
      return eventually(async () => {
        const rows = await listEventNotifications(h.db.db, eventId);
        return rows.length >= count ? rows : null;
      });
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await h.close();
    },
  };
}
