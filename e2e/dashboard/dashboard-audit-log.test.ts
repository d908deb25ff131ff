import { insertAuditEntry } from "@herald/db";
import { eventually } from "@herald/testkit";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * An admin revokes a user's inbox tokens from the user's page and finds it
 * there under "Operator actions" and on the Audit log page, which filters
 * and loads more; support staff have no such page in their navigation and
 * are told it is for admins.
 */
let stack: DashboardStack;
let admin: Page;
const USER = "aude-audited";

beforeAll(async () => {
  stack = await startDashboardStack();
  const { herald } = stack;
  expect((await herald.call("PUT", `/v1/users/${USER}`, { email: "aude@example.com" })).status).toBe(200);
  // Older entries of another key, enough for a second page.
  const start = Date.now() - 3_600_000;
  for (let i = 0; i < 55; i++) {
    await insertAuditEntry(herald.db.db, {
      at: new Date(start + i * 1000),
      actor: { via: "api_key", id: "key_01jd8q3k5m6n7p8q9r0s1t2v3w", name: "ci-deploy" },
      action: "topic.delete",
      target: { type: "topic", id: `old.topic.${i}` },
      outcome: "success",
      status: 204,
      requestId: `req_seed_${i}`,
      clientIp: "203.0.113.9",
      details: { subscribers: i },
    });
  }
  admin = await stack.signedIn(ADMIN);
}, 60_000);
afterAll(() => stack?.close());

const rows = (page: Page) => page.locator("tr[data-audit-id]");

describe("the audit log in the dashboard", () => {
  it("records an admin's action from a user's page and shows it there", async () => {
    await admin.goto(`${stack.herald.url}/users/${USER}`);
    await admin.getByRole("heading", { level: 1, name: USER }).waitFor();
    admin.once("dialog", (d) => void d.accept());
    await admin.getByRole("button", { name: "Revoke inbox tokens" }).click();
    await eventually(async () => (await admin.getByTestId("tokens-revoked-at").textContent()) !== "never");
    const card = admin.locator(".card", { has: admin.getByRole("heading", { name: "Operator actions" }) });
    // The card asked before the entry was written: reload until it is there.
    await eventually(async () => {
      await admin.reload();
      await card.waitFor();
      return (await card.locator('tr[data-action="user_tokens.revoke"]').count()) === 1;
    });
    const text = await card.locator('tr[data-action="user_tokens.revoke"]').textContent();
    expect(text).toContain(ADMIN.email);
    expect(text).toContain("done");
  });

  it("lists entries newest first, filters by action prefix and loads more", async () => {
    await admin.getByRole("link", { name: "Audit log" }).click();
    await admin.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await rows(admin).first().waitFor();
    // Newest first: the revoke (and the admin's sign-in) before the seeded hour-old entries.
    const actions: (string | null)[] = [];
    for (const row of await rows(admin).all()) actions.push(await row.getAttribute("data-action"));
    expect(actions.slice(0, 2)).toEqual(["user_tokens.revoke", "dashboard_session.sign_in"]);
    expect(actions).toHaveLength(50);
    await admin.getByRole("button", { name: "Load more" }).click();
    await eventually(async () => (await rows(admin).count()) === 55 + 2);

    await admin.getByLabel("Action").fill("user_tokens.");
    await admin.getByRole("button", { name: "Search" }).click();
    await eventually(async () => (await rows(admin).count()) === 1);
    expect(new URL(admin.url()).searchParams.get("action")).toBe("user_tokens.");
    const target = rows(admin).getByRole("link", { name: USER });
    expect(await target.getAttribute("href")).toBe(`/users/${USER}`);

    // An actor's name filters by that actor.
    await admin.getByRole("button", { name: "Clear" }).click();
    await admin
      .locator('tr[data-action="topic.delete"]')
      .first()
      .getByRole("link", { name: "ci-deploy" })
      .click();
    await eventually(async () => new URL(admin.url()).searchParams.get("actorId") !== null);
    await admin.getByRole("button", { name: "Load more" }).click();
    await eventually(async () => (await rows(admin).count()) === 55);
    expect(await admin.locator('tr[data-action="user_tokens.revoke"]').count()).toBe(0);
  });

  it("is not offered to support staff, and says it is for admins when opened", async () => {
    const support = await stack.signedIn(SUPPORT);
    const nav = support.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Users" }).waitFor();
    expect(await nav.getByRole("link", { name: "Audit log" }).count()).toBe(0);
    const asked: string[] = [];
    support.on("request", (r) => {
      if (r.url().includes("/v1/audit-log")) asked.push(r.url());
    });
    await support.goto(`${stack.herald.url}/audit-log`);
    await support.getByText("Admins only").waitFor();
    await support.goto(`${stack.herald.url}/users/${USER}`);
    await support.getByRole("heading", { level: 1, name: USER }).waitFor();
    await support.getByRole("heading", { name: "Inbox tokens" }).waitFor();
    expect(await support.getByRole("heading", { name: "Operator actions" }).count()).toBe(0);
    expect(asked).toEqual([]);
  });
});
