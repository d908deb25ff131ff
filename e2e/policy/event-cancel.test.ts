import { HeraldApiError, Herald as HeraldClient } from "@herald/client";
import { DeliveryError } from "@herald/errors";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";

/** SMS that the provider refuses for now, every time: the notification waits for a retry an hour later. */
const sms: ChannelSender = {
  channel: "sms",
  providers: ["down"],
  async send() {
    throw new DeliveryError("transient", "provider unavailable", { provider: "down", code: "503" });
  },
};

let herald: Herald;
let client: HeraldClient;
beforeAll(async () => {
  herald = await startHerald({ workerEnv: { SMS_RETRY_SCHEDULE: "0,1h" }, overrides: { senders: { sms } } });
  client = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url });
  await herald.call("PUT", "/v1/users/cleo", { email: "cleo@example.com", phone: "+14155550123" });
});
afterAll(() => herald?.close());

const HOUR = 3_600_000;
const CANCELED_BY_EVENT = { by: "api", from: "event" };

async function trigger(body: Record<string, unknown>): Promise<string> {
  const res = await herald.call("POST", "/v1/events", {
    type: "order_placed",
    userId: "cleo",
    data: catalog.order_placed.example,
    ...body,
  });
  expect(res.status).toBe(202);
  return res.body.eventId;
}

const getEvent = async (id: string) => (await herald.call("GET", `/v1/events/${id}`)).body;
const routed = (id: string) =>
  eventually(async () => {
    const e = await getEvent(id);
    return e.status === "routed" ? e : null;
  });
const routerDone = (id: string) =>
  eventually(async () => {
    const [e] = await herald.db.sql<{ status: string }[]>`select status from events where id = ${id}`;
    return e?.status === "routed";
  });
const outbox = (eventId: string) =>
  herald.db.sql`select o.id from outbox_messages o join notifications n on n.id = o.notification_id
    where n.event_id = ${eventId}`;
const notificationCount = async (eventId: string) =>
  (
    await herald.db.sql<
      { n: number }[]
    >`select count(*)::int as n from notifications where event_id = ${eventId}`
  )[0]!.n;
const job = (channel: "email" | "sms" | "in_app", id: string) =>
  herald.worker!.deps.queues.get(channel).getJob(id);
const lastEntry = async (id: string) =>
  (await herald.call("GET", `/v1/notifications/${id}`)).body.timeline.at(-1);

describe("DELETE /v1/events/:id", () => {
  it("cancels an event before the router got to it: routing it then makes and sends nothing", async () => {
    const lanes = herald.worker!.deps.queues.lanes("events");
    await Promise.all(lanes.map((q) => q.pause()));
    let tomorrow: string;
    let now: string;
    try {
      tomorrow = await trigger({ sendAt: new Date(Date.now() + 24 * HOUR).toISOString() });
      now = await trigger({ channels: ["email", "in_app"] });
      const res = await herald.call("DELETE", `/v1/events/${tomorrow}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: tomorrow, status: "canceled", notifications: [] });
      expect(Date.parse(res.body.canceledAt)).toBeGreaterThan(Date.now() - 60_000);
      expect((await herald.call("DELETE", `/v1/events/${now}`)).status).toBe(200);
    } finally {
      // Whatever happened, the other tests need a router.
      await Promise.all(lanes.map((q) => q.resume()));
    }
    await routerDone(tomorrow);
    await routerDone(now);
    for (const id of [tomorrow, now]) {
      const e = await getEvent(id);
      expect(e).toMatchObject({ status: "canceled", notifications: [] });
      expect(await notificationCount(id)).toBe(0);
    }
    // The one that would have gone out at once: still nothing sent a moment later.
    await new Promise((r) => setTimeout(r, 500));
    expect(await outbox(now)).toEqual([]);
  });

  it("cancels a routed, scheduled event's notifications and removes their jobs: nothing goes out at its time", async () => {
    const sendAt = new Date(Date.now() + 2_000);
    const id = await trigger({ channels: ["email", "in_app"], sendAt: sendAt.toISOString() });
    const before = await routed(id);
    expect(before.notifications.map((n: { status: string }) => n.status)).toEqual(["SCHEDULED", "SCHEDULED"]);
    for (const n of before.notifications) expect(await job(n.channel, n.id)).toBeDefined();

    const res = await herald.call("DELETE", `/v1/events/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("canceled");
    expect(res.body.notifications.map((n: { status: string }) => n.status)).toEqual(["CANCELED", "CANCELED"]);
    for (const n of before.notifications) {
      expect(await job(n.channel, n.id)).toBeUndefined();
      expect(await lastEntry(n.id)).toMatchObject({ status: "CANCELED", detail: CANCELED_BY_EVENT });
    }

    await new Promise((r) => setTimeout(r, Math.max(0, sendAt.getTime() - Date.now()) + 1_000));
    expect(await outbox(id)).toEqual([]);
    const after = await getEvent(id);
    expect(after.notifications.map((n: { status: string }) => n.status)).toEqual(["CANCELED", "CANCELED"]);
  });

  it("leaves what was sent and cancels the rest: a retry waiting, a scheduled one", async () => {
    // E-mail sent, SMS failed for now (its retry is an hour away).
    const partly = await trigger({ channels: ["email", "sms"] });
    const sent = await eventually(async () => {
      const e = await getEvent(partly);
      const status = (channel: string) =>
        e.notifications.find((n: { channel: string }) => n.channel === channel)?.status;
      return status("email") === "SENT" && status("sms") === "FAILED" ? e : null;
    });
    const smsId = sent.notifications.find((n: { channel: string }) => n.channel === "sms").id;
    expect(await job("sms", smsId)).toBeDefined();

    const res = await herald.call("DELETE", `/v1/events/${partly}`);
    expect(res.status).toBe(200);
    const byChannel = Object.fromEntries(
      res.body.notifications.map((n: { channel: string; status: string }) => [n.channel, n.status]),
    );
    expect(byChannel).toEqual({ email: "SENT", sms: "CANCELED" });
    expect(await job("sms", smsId)).toBeUndefined();
    expect(await lastEntry(smsId)).toMatchObject({ status: "CANCELED", detail: CANCELED_BY_EVENT });
    expect(await outbox(partly)).toHaveLength(1);

    // One of a scheduled event's notifications sent early (rescheduled to now), the other still waiting.
    const scheduled = await trigger({
      channels: ["email", "in_app"],
      sendAt: new Date(Date.now() + HOUR).toISOString(),
    });
    const waiting = await routed(scheduled);
    const email = waiting.notifications.find((n: { channel: string }) => n.channel === "email");
    expect(
      (await herald.call("PATCH", `/v1/notifications/${email.id}`, { sendAt: new Date().toISOString() }))
        .status,
    ).toBe(200);
    await eventually(
      async () => (await herald.call("GET", `/v1/notifications/${email.id}`)).body.status === "SENT",
    );
    const canceled = await herald.call("DELETE", `/v1/events/${scheduled}`);
    expect(
      Object.fromEntries(
        canceled.body.notifications.map((n: { channel: string; status: string }) => [n.channel, n.status]),
      ),
    ).toEqual({ email: "SENT", in_app: "CANCELED" });
  });

  it("takes its item out of a digest that has not gone out: the digest then sends nothing", async () => {
    await herald.call("PUT", "/v1/users/dora", { email: "dora@example.com" });
    const prefs = { categories: { marketing: { digest: "daily" } } };
    expect((await herald.call("PUT", "/v1/users/dora/preferences", prefs)).status).toBe(200);
    const res = await herald.call("POST", "/v1/events", {
      type: "weekly_promo",
      userId: "dora",
      data: catalog.weekly_promo.example,
    });
    const id = res.body.eventId;
    const [item] = (await routed(id)).notifications;
    expect(item.status).toBe("DIGESTED");

    const canceled = await herald.call("DELETE", `/v1/events/${id}`);
    expect(canceled.body.notifications.map((n: { status: string }) => n.status)).toEqual(["CANCELED"]);
    expect(await lastEntry(item.id)).toMatchObject({ status: "CANCELED", detail: CANCELED_BY_EVENT });

    // Its time comes now: the window is empty, so no digest is sent.
    const [digest] = await herald.db.sql<{ id: string }[]>`select id from digests where user_id = 'dora'`;
    await (await herald.worker!.deps.queues.get("digest").getJob(digest!.id))!.promote();
    await eventually(async () => {
      const [d] = await herald.db.sql<
        { status: string }[]
      >`select status from digests where id = ${digest!.id}`;
      return d?.status === "empty";
    });
    expect(
      await herald.db.sql`select id from notifications where user_id = 'dora' and type = 'digest'`,
    ).toEqual([]);
  });

  it("answers a repeat the same (the typed client included), and 404 for an unknown event", async () => {
    const id = await trigger({ channels: ["email"], sendAt: new Date(Date.now() + HOUR).toISOString() });
    const [n] = (await routed(id)).notifications;
    const first = await herald.call("DELETE", `/v1/events/${id}`);
    expect(first.status).toBe(200);
    const again = await client.events.cancel(id);
    expect(again).toMatchObject({ id, status: "canceled", canceledAt: first.body.canceledAt });
    expect(again.notifications.map((x) => x.status)).toEqual(["CANCELED"]);
    const timeline = (await herald.call("GET", `/v1/notifications/${n.id}`)).body.timeline;
    expect(timeline.filter((t: { status: string }) => t.status === "CANCELED")).toHaveLength(1);

    const missing = await herald.call("DELETE", "/v1/events/evt_00000000000000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "not_found" });
    await expect(client.events.cancel("evt_00000000000000000000000000")).rejects.toBeInstanceOf(
      HeraldApiError,
    );
  });

  it("takes the events:write scope", async () => {
    const id = await trigger({ channels: ["email"], sendAt: new Date(Date.now() + HOUR).toISOString() });
    const created = await herald.call("POST", "/v1/api-keys", { name: "reader", scopes: ["read"] });
    expect(created.status).toBe(201);
    const refused = await herald.call("DELETE", `/v1/events/${id}`, undefined, {
      authorization: `Bearer ${created.body.key}`,
    });
    expect(refused.status).toBe(403);
    expect((await getEvent(id)).status).not.toBe("canceled");
  });
});
