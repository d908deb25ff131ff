import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { recordEndpointRejection } from "@herald/db";
import { eventually } from "@herald/testkit";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type DashboardStack, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * An admin adds a status webhook endpoint on the Webhooks page (its secret
 * shown once), edits its statuses, sends it a test ping, rotates its secret
 * and deletes it; the Overview lists it meanwhile. (Support staff get the
 * Audit log page's "Admins only" treatment, and 403 from the API: see
 * apps/api/test/webhook-endpoints.test.ts.)
 */
let stack: DashboardStack;
let admin: Page;
const pings: string[] = [];
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    pings.push(String(req.headers["webhook-signature"]));
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The receiver listens on loopback: the API's test pings and any worker POST must be let through.
  const allowPrivate = { WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: "true" };
  stack = await startDashboardStack({ apiEnv: allowPrivate, workerEnv: allowPrivate });
  admin = await stack.signedIn(ADMIN);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/herald`;

describe("the Webhooks page", () => {
  it("adds an endpoint showing its secret once, edits it, tests it, rotates its secret and deletes it", async () => {
    await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await admin.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor();
    await admin.getByRole("button", { name: "Add endpoint" }).click();
    const form = admin.getByRole("form", { name: "Add endpoint" });
    // Refused by the API, shown next to the field, nothing added.
    await form.getByLabel("URL").fill("ftp://nope.example");
    await form.getByRole("button", { name: "Add endpoint" }).click();
    await form.locator('[data-field="url"]').waitFor();

    await form.getByLabel("URL").fill(url());
    await form.getByLabel("Description").fill("orders");
    await form.getByRole("button", { name: "Add endpoint" }).click();
    const secret = admin.locator("[data-secret]");
    await secret.waitFor();
    const first = (await secret.textContent())!;
    expect(first).toMatch(/^whsec_/);
    const row = admin.locator("tr[data-endpoint]", { hasText: "orders" });
    await row.waitFor();
    const id = (await row.getAttribute("data-endpoint"))!;
    expect(id).toMatch(/^whe_/);
    await admin.getByRole("button", { name: "Done" }).click();
    expect(await secret.count()).toBe(0);

    await row.getByRole("button", { name: "Edit" }).click();
    const edit = admin.getByRole("form", { name: "Save" });
    await edit.getByLabel("READ").uncheck();
    await edit.getByLabel("Enabled").uncheck();
    await edit.getByRole("button", { name: "Save" }).click();
    await eventually(async () => (await row.locator('[data-state="disabled"]').count()) === 1);
    const shown = (await stack.herald.call("GET", `/v1/webhook-endpoints/${id}`)).body;
    expect(shown.statuses).not.toContain("READ");
    expect(shown.enabled).toBe(false);

    await row.getByRole("button", { name: "Send test" }).click();
    await admin.getByText(/Test ping answered 204/).waitFor();
    expect(pings).toHaveLength(1);

    // The Overview lists it with its state.
    await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
    const summary = admin.locator(`[data-webhook-endpoints] li[data-endpoint="${id}"]`);
    await summary.waitFor();
    expect(await summary.textContent()).toContain("disabled");
    await admin.getByRole("link", { name: "Manage →" }).click();
    await row.waitFor();

    // As a worker records a change the receiver refused alone until it was dropped.
    expect(await row.locator("[data-rejected]").count()).toBe(0);
    const why = "dropped change 42 (ntf_e2e DELIVERED): answered 422 3 times";
    await recordEndpointRejection(stack.herald.db.db, id, why);
    await admin.reload();
    const rejected = row.locator("[data-rejected]");
    await rejected.waitFor();
    expect(await rejected.textContent()).toMatch(/^1 change rejected and dropped; last just now: /);
    expect(await rejected.textContent()).toContain(why);

    admin.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Rotate secret" }).click();
    await secret.waitFor();
    expect(await secret.textContent()).not.toBe(first);
    await row.getByRole("button", { name: "Send test" }).click();
    await eventually(() => pings.length === 2);
    expect(pings[1]!.split(" ")).toHaveLength(2);

    admin.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Delete" }).click();
    await eventually(async () => (await row.count()) === 0);
    expect((await stack.herald.call("GET", `/v1/webhook-endpoints/${id}`)).status).toBe(404);
  });
});
