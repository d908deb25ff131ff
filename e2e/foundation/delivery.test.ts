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
  endpoint: "https://push.example.test/send/abc123",
  keys: {
    p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    auth: "tBHItJI5svbpez7KI4CCXg",
  },
};

async function reachableUser(userId: string) {
  await herald.call("PUT", `/v1/users/${userId}`, {
    email: `${userId}@example.com`,
    phone: "+14155550100",
    timezone: "Europe/Paris",
  });
  const device = await herald.call("POST", `/v1/users/${userId}/devices`, { kind: "webpush", subscription });
  expect(device.status).toBe(201);
}

async function routedEvent(eventId: string) {
  return eventually(async () => {
    const res = await herald.call("GET", `/v1/events/${eventId}`);
    return res.body.status === "routed" &&
      res.body.notifications.every((n: { status: string }) => n.status === "SENT")
      ? res.body
      : null;
  });
}

describe("event → notifications → outbox", () => {
  it("sends order_placed on push, email, sms and in-app, each with a timeline", async () => {
    await reachableUser("ada");
    const res = await herald.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "ada",
      data: catalog.order_placed.example,
    });
    expect(res.status).toBe(202);
    expect(res.body.eventId).toMatch(/^evt_/);

    const event = await routedEvent(res.body.eventId);
    expect(event.notifications.map((n: { channel: string }) => n.channel).sort()).toEqual([
      "email",
      "in_app",
      "push",
      "sms",
    ]);
    expect(event.suppressed).toEqual([]);

    for (const n of event.notifications) {
      const one = await herald.call("GET", `/v1/notifications/${n.id}`);
      expect(one.body.status).toBe("SENT");
      expect(one.body.retryCount).toBe(0);
      expect(one.body.timeline.map((t: { status: string }) => t.status)).toEqual([
        "PENDING",
        "QUEUED",
        "SENT",
      ]);
      expect(one.body.provider).toBe(n.channel === "in_app" ? "inbox" : "outbox");
    }

    const outbox = await herald.db
      .sql`select channel, destination, content from outbox_messages order by channel`;
    expect(outbox.map((o) => [o.channel, o.destination])).toEqual([
      ["email", "ada@example.com"],
      ["push", expect.stringMatching(/^webpush:dev_/)],
      ["sms", "+14155550100"],
    ]);
    const email = outbox.find((o) => o.channel === "email")!.content;
    expect(email.subject).toBe("Order A-1042 confirmed");
    expect(email.html).toContain("Linen shirt");
  });

  it("sends no SMS after the user opts out of SMS, and the event says why", async () => {
    await reachableUser("bob");
    const prefs = await herald.call("PUT", "/v1/users/bob/preferences", { channels: { sms: false } });
    expect(prefs.status).toBe(200);
    expect(prefs.body.channels).toEqual({ sms: false });

    const res = await herald.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "bob",
      data: catalog.order_placed.example,
    });
    const event = await routedEvent(res.body.eventId);
    expect(event.notifications.map((n: { channel: string }) => n.channel).sort()).toEqual([
      "email",
      "in_app",
      "push",
    ]);
    expect(event.suppressed).toEqual([{ channel: "sms", reason: "opted_out" }]);
    const rows = await herald.db.sql<
      { count: number }[]
    >`select count(*)::int as count from notifications where user_id = 'bob' and channel = 'sms'`;
    expect(rows[0]?.count).toBe(0);
  });

  it("creates the recipient from inline user data on the event", async () => {
    const res = await herald.call("POST", "/v1/events", {
      type: "password_reset",
      userId: "cleo",
      data: catalog.password_reset.example,
      user: { email: "cleo@example.com" },
    });
    const event = await routedEvent(res.body.eventId);
    expect(
      event.notifications.map((n: { channel: string; priority: string }) => [n.channel, n.priority]),
    ).toEqual([["email", "critical"]]);
    expect(event.suppressed).toEqual([{ channel: "sms", reason: "unreachable" }]);
  });

  it("lists notifications with filters and cursor pagination", async () => {
    const all = await herald.call("GET", "/v1/notifications?userId=ada&limit=2");
    expect(all.body.data).toHaveLength(2);
    expect(all.body.nextCursor).toEqual(expect.any(String));
    const next = await herald.call(
      "GET",
      `/v1/notifications?userId=ada&limit=2&cursor=${all.body.nextCursor}`,
    );
    expect(next.body.data).toHaveLength(2);
    expect(next.body.nextCursor).toBeNull();
    const ids = [...all.body.data, ...next.body.data].map((n: { id: string }) => n.id);
    expect(new Set(ids).size).toBe(4);
    const sms = await herald.call("GET", "/v1/notifications?userId=ada&channel=sms");
    expect(sms.body.data.map((n: { channel: string }) => n.channel)).toEqual(["sms"]);
    const bad = await herald.call("GET", "/v1/notifications?cursor=nonsense");
    expect(bad.status).toBe(400);
  });
});
