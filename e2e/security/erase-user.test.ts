import { PRIORITY_RANK } from "@herald/domain";
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

const countsFor = async (recipientId: string) =>
  herald.db.sql`select channel, status, count(*)::int as n from notifications
    where recipient_id = ${recipientId} group by 1, 2 order by 1, 2`;

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
    const erinId = (await herald.call("GET", "/v1/users/erin")).body.id;
    const before = await countsFor(erinId);
    expect(before.reduce((n, r) => n + r.n, 0)).toBe(8);

    const erased = await herald.call("DELETE", "/v1/users/erin");
    expect(erased.status).toBe(204);

    const [recipient] = await herald.db.sql`select * from recipients where id = ${erinId}`;
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
      select content::text as t from notifications where recipient_id = ${erinId}
      union all
      select o.destination || o.content::text from outbox_messages o join notifications n on n.id = o.notification_id
      where n.recipient_id = ${erinId}`;
    // Kept rows name a tombstone, not the app's user id (which may itself be personal: an e-mail, a handle).
    const tombstone = recipient!.external_id as string;
    expect(tombstone).toMatch(new RegExp(`^erased:${erinId}:[0-9a-f]{20}$`));
    const events = await herald.db.sql`select data from events where user_id = ${tombstone}`;
    expect(events.map((e) => e.data)).toEqual([{}, {}]);
    expect(leftovers.length).toBeGreaterThan(0);
    for (const { t } of leftovers) expect(t).not.toMatch(/erin@example\.com|4155550177|Linen shirt|Erin/);
    // …but the anonymised delivery counts are exactly what they were, under the tombstone.
    expect(await countsFor(erinId)).toEqual(before);
    const listed = await herald.call(
      "GET",
      `/v1/notifications?userId=${encodeURIComponent(tombstone)}&limit=200`,
    );
    expect(listed.body.data).toHaveLength(8);
    expect((await herald.call("GET", "/v1/notifications?userId=erin")).body.data).toEqual([]);

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
    // Not even an in-app message, which needs no address: no one is left to read it.
    const order = await sendOrder("gail");
    expect(order.notifications).toEqual([]);
    expect(order.suppressed).toHaveLength(4);
    expect(order.suppressed).toEqual(
      expect.arrayContaining(
        ["email", "sms", "push", "in_app"].map((channel) => ({ channel, reason: "erased" })),
      ),
    );
  });
});

const routed = (eventId: string) =>
  eventually(async () => {
    const e = await herald.call("GET", `/v1/events/${eventId}`);
    return e.body.status === "routed" ? e.body : null;
  });

async function paymentFailed(target: { userId: string } | { topic: string }, extra: object = {}) {
  const res = await herald.call("POST", "/v1/events", {
    type: "payment_failed",
    ...target,
    channels: ["in_app"],
    data: { ...catalog.payment_failed.example, reason: "secret reason" },
    ...extra,
  });
  expect(res.status).toBe(202);
  return routed(res.body.eventId);
}

describe("DELETE /v1/users/:userId, then the same user id again", () => {
  it("ends topic memberships, cancels what was not sent, and hands nothing to a new owner of the id", async () => {
    const first = await herald.call("PUT", "/v1/users/eraseme", { email: "eraseme@example.com" });
    await herald.call("POST", "/v1/users/eraseme/devices", { kind: "webpush", subscription });
    await herald.call("PUT", "/v1/users/eraseme/preferences", {
      categories: { marketing: { enabled: false } },
    });
    await herald.call("POST", "/v1/topics/erase-topic/subscribers", { subscribers: ["eraseme", "stays"] });
    const sent = await paymentFailed({ userId: "eraseme" });
    const sentId = sent.notifications[0].id;
    await eventually(async () => {
      const n = await herald.call("GET", `/v1/notifications/${sentId}`);
      return n.body.status === "SENT" ? n.body : null;
    });
    const later = await paymentFailed({ userId: "eraseme" }, { sendAt: "2030-01-01T00:00:00Z" });
    const scheduled = later.notifications[0];
    expect(scheduled.status).toBe("SCHEDULED");

    expect((await herald.call("DELETE", "/v1/users/eraseme")).status).toBe(204);

    // Topic membership ended: a topic event no longer counts the erased user.
    const members = await herald.call("GET", "/v1/topics/erase-topic/subscribers");
    expect(members.body.data.map((m: any) => m.userId)).toEqual(["stays"]);
    const topicEvent = await paymentFailed({ topic: "erase-topic" });
    expect(topicEvent.fanout).toMatchObject({ recipients: 1, notifications: 1, skipped: {} });

    // The scheduled one is canceled, with a timeline entry like any cancel…
    const canceled = await herald.call("GET", `/v1/notifications/${scheduled.id}`);
    expect(canceled.body).toMatchObject({ status: "CANCELED", reason: "recipient_erased" });
    expect(canceled.body.timeline.at(-1)).toMatchObject({ status: "CANCELED" });
    expect(canceled.body.userId).toMatch(/^erased:usr_/);
    // …and its job, when its time comes, does nothing.
    const queues = herald.worker!.deps.queues;
    const job = await queues.find("in_app", scheduled.id, PRIORITY_RANK.high);
    await job!.promote();
    await eventually(async () => ((await job!.isCompleted()) ? true : null));
    expect((await herald.call("GET", `/v1/notifications/${scheduled.id}`)).body.status).toBe("CANCELED");

    // A new owner of the id is a new recipient with nothing of the old one.
    const second = await herald.call("PUT", "/v1/users/eraseme", { email: "new-owner@example.com" });
    expect(second.status).toBe(200);
    expect(second.body.id).not.toBe(first.body.id);
    expect(new Date(second.body.createdAt).getTime()).toBeGreaterThan(
      new Date(first.body.createdAt).getTime(),
    );
    expect(second.body.devices).toEqual([]);
    const prefs = await herald.call("GET", "/v1/users/eraseme/preferences");
    expect(prefs.body.categories).toEqual({});
    const inbox = await herald.call("GET", "/v1/users/eraseme/inbox");
    expect(inbox.body).toMatchObject({ data: [], counts: { unread: 0, total: 0 } });
    expect((await herald.call("GET", "/v1/notifications?userId=eraseme")).body.data).toEqual([]);
    const own = await paymentFailed({ userId: "eraseme" });
    const ownId = own.notifications[0].id;
    const fed = await eventually(async () => {
      const r = await herald.call("GET", "/v1/users/eraseme/inbox");
      return r.body.data.length > 0 ? r.body : null;
    });
    expect(fed.data.map((i: any) => i.id)).toEqual([ownId]);
    expect(
      (await herald.call("GET", "/v1/notifications?userId=eraseme")).body.data.map((n: any) => n.id),
    ).toEqual([ownId]);
    const fanoutOfStays = await herald.call("GET", "/v1/topics/erase-topic/subscribers");
    expect(fanoutOfStays.body.data.map((m: any) => m.userId)).toEqual(["stays"]);
  });
});
