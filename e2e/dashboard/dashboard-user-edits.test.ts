import { readFile } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardStack, SUPPORT, startDashboardStack } from "./dashboard-fixture.ts";

/**
 * Support edits a user from the user page: contact data (a change saved, a
 * bad phone refused next to its field, a field cleared), a push device
 * removed after confirming, a topic left. Each change is checked through the
 * API, not only on the page.
 */
let stack: DashboardStack;
let page: Page;
const USER = "ella-edits";
const PROPERTIES = { name: "Ella", plan: "pro" };
let devices: string[];

const user = async () => (await stack.herald.call("GET", `/v1/users/${USER}`)).body;

beforeAll(async () => {
  stack = await startDashboardStack();
  const { herald } = stack;
  const put = await herald.call("PUT", `/v1/users/${USER}`, {
    email: "ella@example.com",
    phone: "+14155550142",
    locale: "en-GB",
    timezone: "Europe/London",
    properties: PROPERTIES,
  });
  expect(put.status).toBe(200);
  devices = [];
  for (const token of ["fcm-token-phone-0001", "fcm-token-tablet-0002"]) {
    const res = await herald.call("POST", `/v1/users/${USER}/devices`, { kind: "fcm", token });
    expect(res.status).toBe(201);
    devices.push(res.body.id);
  }
  for (const topic of ["news.weekly", "product-updates"]) {
    const res = await herald.call("POST", `/v1/topics/${topic}/subscribers`, { subscribers: [USER] });
    expect(res.status).toBe(200);
  }
  page = await stack.signedIn(SUPPORT);
  await page.goto(`${herald.url}/users/${USER}`);
  await page.getByRole("heading", { level: 1, name: USER }).waitFor();
}, 60_000);
afterAll(() => stack?.close());

/** Opens the Contact card's form. */
async function editContact(): Promise<Locator> {
  await page.getByRole("button", { name: "Edit contact data" }).click();
  const form = page.getByRole("form", { name: "Contact data" });
  await form.waitFor();
  return form;
}

describe("support on a user's page", () => {
  it("edits the e-mail and time zone: saved, shown, and the fields the form does not show are kept", async () => {
    const form = await editContact();
    await form.getByLabel("E-mail").fill("ella.new@example.com");
    await form.getByLabel("Time zone").fill("America/Chicago");
    await form.getByRole("button", { name: "Save contact data" }).click();
    await page.getByText("Contact data saved").waitFor();
    await form.waitFor({ state: "detached" });
    await page.locator(".facts").getByText("ella.new@example.com").waitFor();
    await page.locator(".facts").getByText("America/Chicago").waitFor();
    // Ella has no quiet hours: the editor's zone for them is hers, and follows the change.
    const quietZone = page.getByRole("form", { name: "Preferences" }).getByLabel("Time zone");
    await expect.poll(() => quietZone.inputValue(), { timeout: 10_000 }).toBe("America/Chicago");

    expect(await user()).toMatchObject({
      email: "ella.new@example.com",
      timezone: "America/Chicago",
      phone: "+14155550142",
      locale: "en-GB",
      properties: PROPERTIES,
    });
  });

  it("is told next to the field that a phone number is not E.164, and nothing is saved", async () => {
    const form = await editContact();
    const phone = form.getByLabel("Phone");
    await phone.fill("555-0142");
    await form.getByRole("button", { name: "Save contact data" }).click();
    const error = form.locator('[data-field="phone"]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/E\.164/);
    expect(await phone.getAttribute("aria-invalid")).toBe("true");
    // The form stays open with what was typed, to be fixed.
    expect(await phone.inputValue()).toBe("555-0142");
    expect((await user()).phone).toBe("+14155550142");
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "detached" });
  });

  it("clears a field by emptying it", async () => {
    const form = await editContact();
    await form.getByLabel("Locale").fill("");
    await form.getByRole("button", { name: "Save contact data" }).click();
    await form.waitFor({ state: "detached" });
    expect(await user()).toMatchObject({ locale: null, phone: "+14155550142", properties: PROPERTIES });
  });

  it("removes a push device only once the confirmation is accepted", async () => {
    const [gone, kept] = devices as [string, string];
    const row = page.locator(`[data-device-id="${gone}"]`);
    const remove = row.getByRole("button", { name: `Remove device ${gone}` });

    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await remove.click();
    expect(asked).toContain("stop getting push");
    expect((await user()).devices.map((d: { id: string }) => d.id).sort()).toEqual([...devices].sort());

    page.once("dialog", (d) => void d.accept());
    await remove.click();
    await page.getByText("Device removed").waitFor();
    await row.waitFor({ state: "detached" });
    await page.locator(`[data-device-id="${kept}"]`).waitFor();
    expect((await user()).devices.map((d: { id: string }) => d.id)).toEqual([kept]);
  });

  it("sees the user's topics and takes them off one", async () => {
    const card = page.locator(".card", { has: page.getByRole("heading", { name: "Topics" }) });
    const listed = async () =>
      Promise.all((await card.locator("[data-topic]").all()).map((t) => t.getAttribute("data-topic")));
    await card.locator('[data-topic="news.weekly"]').waitFor();
    expect(await listed()).toEqual(["product-updates", "news.weekly"]); // newest first

    page.once("dialog", (d) => void d.accept());
    await card.getByRole("button", { name: "Remove from topic news.weekly" }).click();
    await page.getByText("Removed from news.weekly").waitFor();
    await card.locator('[data-topic="news.weekly"]').waitFor({ state: "detached" });
    expect(await listed()).toEqual(["product-updates"]);

    const mine = await stack.herald.call("GET", `/v1/users/${USER}/topics`);
    expect(mine.body.data.map((t: { topic: string }) => t.topic)).toEqual(["product-updates"]);
    const subscribers = await stack.herald.call("GET", "/v1/topics/news.weekly/subscribers");
    expect(subscribers.body.data).toEqual([]);
  });

  it("downloads the user's data export with the session, named for the user, without device tokens", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^herald-export-${USER}-\\d{4}-\\d{2}-\\d{2}\\.json$`),
    );
    const text = await readFile((await download.path())!, "utf8");
    const doc = JSON.parse(text);
    expect(doc.user).toMatchObject({ userId: USER, email: "ella.new@example.com" });
    expect(doc.topics.map((t: { key: string }) => t.key)).toEqual(["product-updates"]);
    expect(text).not.toContain("fcm-token-tablet-0002");
    expect(doc.devices).toEqual([expect.objectContaining({ kind: "fcm", tokenEnd: "t-0002" })]);
  });

  it("reaches every topic of a user on many with Load more", async () => {
    const keys = Array.from({ length: 23 }, (_, i) => `many-${String(i).padStart(2, "0")}`);
    for (const key of keys) {
      await stack.herald.call("POST", `/v1/topics/${key}/subscribers`, { subscribers: ["ella-many"] });
    }
    await page.goto(`${stack.herald.url}/users/ella-many`);
    const card = page.locator(".card", { has: page.getByRole("heading", { name: "Topics" }) });
    await card.locator('[data-topic="many-22"]').waitFor();
    expect(await card.locator("[data-topic]").count()).toBe(20);
    await card.getByRole("button", { name: "Load more" }).click();
    await card.locator('[data-topic="many-00"]').waitFor();
    expect(await card.locator("[data-topic]").count()).toBe(23);
  });
});
