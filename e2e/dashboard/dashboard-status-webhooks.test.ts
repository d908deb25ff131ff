import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * The app's status webhook receiver is down (answers 503): an operator opens
 * the overview, sees the card warn of the batch being retried (its attempts,
 * the receiver's answer, the next attempt) and the changes piling up behind
 * it; the receiver recovers, and the warning goes while the backlog drains.
 */
let stack: DashboardStack;
let page: Page;
let card: Locator;
const receiver = { status: 503, posts: 0 };
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    receiver.posts++;
    res.writeHead(receiver.status).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/statuses`;
  stack = await startDashboardStack({
    workerEnv: {
      STATUS_WEBHOOK_URL: url,
      STATUS_WEBHOOK_POLL_INTERVAL: "50ms",
      STATUS_WEBHOOK_RETRY_MAX: "1s",
    },
  });
  page = await stack.signedIn(ADMIN);
  card = page.locator(".card", { has: page.getByRole("heading", { name: "Status webhooks" }) });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("status webhooks on the overview", () => {
  it("warns of the failing batch with its attempts, the receiver's answer and the next attempt; clears once it recovers", async () => {
    for (const user of ["wes-webhook", "wanda-webhook"]) await stack.trigger(user, "payment_failed");
    await page.goto(`${stack.herald.url}/`);
    await card.waitFor();
    const warning = card.locator("[data-status-webhook-failing]");
    // The overview refreshes every 5 s: wait for a reading with at least two failed attempts.
    await expect
      .poll(async () => ((await warning.count()) ? await warning.textContent() : ""), { timeout: 20_000 })
      .toMatch(/failed ([2-9]|\d\d+) attempts/);
    const text = (await warning.textContent())!;
    expect(text).toContain("Last error: answered 503");
    expect(text).toMatch(/Next attempt (in \d+ seconds?|just now)/);
    // A 503 holds later changes behind the batch (a 422 would get it split: status-webhook-text.test.ts).
    expect(text).toContain("dropped after STATUS_WEBHOOK_MAX_AGE");
    expect(await warning.getAttribute("role")).toBe("alert");
    expect(await card.textContent()).toContain("SENT, DELIVERED, READ");
    const waiting = card.locator("dt", { hasText: "Waiting" }).locator("xpath=following-sibling::dd");
    expect(await waiting.textContent()).toMatch(/^[1-9]\d* changes? · oldest recorded/);
    const failedPosts = card
      .locator("dt", { hasText: "Failed POSTs" })
      .locator("xpath=following-sibling::dd");
    expect(Number((await failedPosts.textContent())!.replace(/,/g, ""))).toBeGreaterThanOrEqual(2);

    receiver.status = 204;
    await warning.waitFor({ state: "detached", timeout: 20_000 });
    await expect.poll(async () => await waiting.textContent(), { timeout: 20_000 }).toBe("0 changes");
    const delivered = card.locator("dt", { hasText: "Delivered" }).locator("xpath=following-sibling::dd");
    expect(Number((await delivered.textContent())!.replace(/,/g, ""))).toBeGreaterThanOrEqual(2);
    // A 503 never drops a change: nothing rejected (that takes 400, 413 or 422 to one change alone).
    const rejected = card.locator("dt", { hasText: "Rejected" }).locator("xpath=following-sibling::dd");
    expect(await rejected.textContent()).toBe("0");
  });
});
