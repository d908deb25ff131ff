import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

let herald: Herald;
beforeAll(async () => {
  herald = await startHerald();
});
afterAll(() => herald.close());

const subscription = {
  endpoint: "https://push.example.test/send/erase-me",
  keys: {
    p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  },
};

async function sendOrder(userId: string) {
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId,
    data: catalog.order_placed.example,
  });
  return eventually(async () => {
    const e = await herald.call("GET", `/v1/events/${res.body.eventId}`);
    return e.body.status === "routed" && e.body.notifications.every((n: any) => n.status === "SENT")
      ? e.body
      : null;
  });
}

const countsFor = async (userId: string) =>
  herald.db.sql`select channel, status, count(*)::int as n from notifications
    where user_id = ${userId} group by 1, 2 order by 1, 2`;

describe("DELETE /v1/users/:userId", () => {
  it("erases contact data, devices, preferences and message content; delivery counts stay", async () => {
    await herald.call("PUT", "/v1/users/erin", {
      email: "erin@example.com",
      phone: "+14155550177",
      locale: "en-GB",
      timezone: "Europe/London",
      properties: { name: "Erin", plan: "pro" },
    });
    await herald.call("POST", "/v1/users/erin/devices", { kind: "webpush", subscription });
    await herald.call("PUT", "/v1/users/erin/preferences", { categories: { marketing: { enabled: false } } });
    await sendOrder("erin");
    await sendOrder("erin");
    // A bystander whose data must survive.
    await herald.call("PUT", "/v1/users/finn", { email: "finn@example.com" });
    await sendOrder("finn");
    const before = await countsFor("erin");
    expect(before.reduce((n, r) => n + r.n, 0)).toBe(8);

    const erased = await herald.call("DELETE", "/v1/users/erin");
    expect(erased.status).toBe(204);

    const [recipient] = await herald.db.sql`select * from recipients where external_id = 'erin'`;
    expect(recipient).toMatchObject({
      email: null,
      phone: null,
      locale: null,
      timezone: null,
      properties: {},
      erased_at: expect.anything(),
    });
    const devices = await herald.db.sql`select * from devices where recipient_id = ${recipient!.id}`;
    expect(devices).toEqual([]);
    const prefs = await herald.db.sql`select * from preferences where recipient_id = ${recipient!.id}`;
    expect(prefs).toEqual([]);
    // Nothing personal left in messages or the outbox…
    const leftovers = await herald.db.sql`
      select content::text as t from notifications where user_id = 'erin'
      union all
      select o.destination || o.content::text from outbox_messages o join notifications n on n.id = o.notification_id
      where n.user_id = 'erin'`;
    const events = await herald.db.sql`select data from events where user_id = 'erin'`;
    expect(events.map((e) => e.data)).toEqual([{}, {}]);
    expect(leftovers.length).toBeGreaterThan(0);
    for (const { t } of leftovers) expect(t).not.toMatch(/erin@example\.com|4155550177|Linen shirt|Erin/);
    // …but the anonymised delivery counts are exactly what they were.
    expect(await countsFor("erin")).toEqual(before);
    const listed = await herald.call("GET", "/v1/notifications?userId=erin&limit=200");
    expect(listed.body.data).toHaveLength(8);

    expect((await herald.call("GET", "/v1/users/erin")).status).toBe(404);
    expect((await herald.call("DELETE", "/v1/users/erin")).status).toBe(204);
    expect((await herald.call("DELETE", "/v1/users/nobody")).status).toBe(404);
    const finn = await herald.call("GET", "/v1/users/finn");
    expect(finn.body.email).toBe("finn@example.com");
  });

  it("leaves the user unreachable: a later event sends nothing", async () => {
    await herald.call("PUT", "/v1/users/gail", { email: "gail@example.com" });
    await herald.call("DELETE", "/v1/users/gail");
    const res = await herald.call("POST", "/v1/events", {
      type: "password_reset",
      userId: "gail",
      data: catalog.password_reset.example,
    });
    const event = await eventually(async () => {
      const e = await herald.call("GET", `/v1/events/${res.body.eventId}`);
      return e.body.status === "routed" ? e.body : null;
    });
    expect(event.notifications).toEqual([]);
    const outbox = await herald.db
      .sql`select destination from outbox_messages where destination = 'gail@example.com'`;
    expect(outbox).toEqual([]);
  });
});
