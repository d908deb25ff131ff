import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

const SECRET = "e2e-tracking-secret-0123456789abcdef0123";
let herald: Herald;
beforeAll(async () => {
  herald = await startHerald({ apiEnv: { TRACKING_SECRET: SECRET }, workerEnv: { TRACKING_SECRET: SECRET } });
});
afterAll(() => herald.close());

/** Triggers `type` on e-mail only and returns the notification once the outbox "sent" it, with its HTML. */
async function sentEmail(type: "order_placed" | "password_reset", userId: string) {
  await herald.call("PUT", `/v1/users/${userId}`, { email: `${userId}@example.com` });
  const res = await herald.call("POST", "/v1/events", {
    type,
    userId,
    data: catalog[type].example,
    channels: ["email"],
  });
  expect(res.status).toBe(202);
  const n = await eventually(async () => {
    const ev = await herald.call("GET", `/v1/events/${res.body.eventId}`);
    return ev.body.notifications?.find((x: { status: string }) => x.status === "SENT");
  });
  const [row] = await herald.db.sql<{ html: string }[]>`
    select content->>'html' as html from outbox_messages where notification_id = ${n.id}`;
  return { id: n.id as string, html: row!.html };
}

const links = (html: string, kind: "o" | "c") =>
  [...html.matchAll(new RegExp(`${herald.url}/t/${kind}/[\\w.-]+`, "g"))].map((m) => m[0]);

describe("Herald's own e-mail tracking, end to end", () => {
  it("the sent e-mail carries a pixel and tracked links; opening marks READ once, a click redirects to the original", async () => {
    const { id, html } = await sentEmail("order_placed", "grace");
    const [pixel, ...more] = links(html, "o");
    expect(pixel).toBeDefined();
    expect(more).toEqual([]);
    const clicks = links(html, "c");
    expect(clicks.length).toBeGreaterThan(0);
    expect(html).not.toContain('href="https://shop.example.com/orders/A-1042"');

    const open = await fetch(pixel!);
    expect(open.status).toBe(200);
    expect(open.headers.get("content-type")).toBe("image/gif");
    await fetch(pixel!);
    const got = await herald.call("GET", `/v1/notifications/${id}`);
    expect(got.body.status).toBe("READ");
    expect(got.body.timeline.filter((t: { status: string }) => t.status === "READ")).toHaveLength(1);

    const click = await fetch(clicks[0]!, { redirect: "manual" });
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toBe(catalog.order_placed.example.url);
    const after = await herald.call("GET", `/v1/notifications/${id}`);
    expect(after.body.clickedAt).toBeDefined();
    expect(after.body.timeline.at(-1).detail).toMatchObject({
      event: "clicked",
      url: catalog.order_placed.example.url,
    });
  });

  it("password_reset is sent untracked: no pixel, its reset link untouched", async () => {
    const { html } = await sentEmail("password_reset", "linus");
    expect(links(html, "o")).toEqual([]);
    expect(links(html, "c")).toEqual([]);
    expect(html).toContain(catalog.password_reset.example.resetUrl.replace(/&/g, "&amp;"));
  });
});
