import { Herald as HeraldClient } from "@herald/client";
import { insertEvents, markEventsFailed } from "@herald/db";
import { DeliveryError } from "@herald/errors";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import type { ChannelSender } from "@herald/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Herald, startHerald } from "../harness/index.ts";
import { offlineClient } from "./offline-client.ts";

/** An e-mail provider that is down until `up` is set, so e-mails end DEAD (in_app is unaffected). */
const provider = { up: false };
const email: ChannelSender = {
  channel: "email",
  providers: ["flaky"],
  async send(ctx) {
    if (!provider.up) {
      throw new DeliveryError("transient", "503 Service Unavailable", { provider: "flaky", code: "503" });
    }
    return { provider: "flaky", providerMessageId: `msg-${ctx.notification.id}` };
  },
};

let herald: Herald;
let client: HeraldClient;
beforeAll(async () => {
  herald = await startHerald({ overrides: { senders: { email } } });
  client = new HeraldClient({ apiKey: herald.apiKey, baseUrl: herald.url, retryDelayMs: 20 });
});
afterAll(() => herald?.close());

const HOUR = 3_600_000;
const api = async (path: string) => (await herald.call("GET", path)).body;

/** An event that makes one in-app notification (in_app is not the failing channel). */
const inApp = async (userId: string) =>
  (
    await client.events.trigger({
      type: "payment_failed",
      userId,
      data: catalog.payment_failed.example,
      channels: ["in_app"],
    })
  ).eventId;

const routed = (eventId: string) =>
  eventually(async () => (await client.events.get(eventId)).status === "routed");
const statusIs = (id: string, status: string) =>
  eventually(async () => (await api(`/v1/notifications/${id}`)).status === status);

describe("@herald/client's scheduling, history, stats, dead-letter and inbox methods", () => {
  it("reschedules a scheduled notification to a Date, then to a past time given as a string (sent at once)", async () => {
    const { eventId } = await client.events.trigger({
      type: "order_placed",
      userId: "ops-sched",
      data: catalog.order_placed.example,
      channels: ["in_app"],
      sendAt: new Date(Date.now() + HOUR),
    });
    const scheduled = await eventually(async () =>
      (await client.notifications.list({ eventId })).data.find((n) => n.status === "SCHEDULED"),
    );

    const later = new Date(Date.now() + 2 * HOUR);
    const moved = await client.notifications.reschedule(scheduled.id, later);
    expect(moved).toMatchObject({ id: scheduled.id, status: "SCHEDULED", scheduledAt: later.toISOString() });
    expect(await api(`/v1/notifications/${scheduled.id}`)).toMatchObject({
      status: "SCHEDULED",
      scheduledAt: later.toISOString(),
    });

    const now = await client.notifications.reschedule(scheduled.id, "2020-01-01T00:00:00Z");
    expect(["QUEUED", "SENT"]).toContain(now.status);
    await statusIs(scheduled.id, "SENT");
    // Sent: no longer scheduled, and the API's 409 arrives typed.
    await expect(client.notifications.reschedule(scheduled.id, later)).rejects.toMatchObject({
      status: 409,
      code: "conflict",
    });
  });

  it("lists a user's events with what each made, and those that sent nothing (unreachable, opted out)", async () => {
    const user = "ops-events";
    await client.users.upsert(user, {}); // no e-mail address
    const unreachable = await client.events.trigger({
      type: "payment_failed",
      userId: user,
      data: catalog.payment_failed.example,
      channels: ["email"],
    });
    await routed(unreachable.eventId);
    const sent = await inApp(user);
    await statusIs(
      (await eventually(async () => (await client.events.get(sent)).notifications[0])).id,
      "SENT",
    );
    await client.preferences.update(user, { channels: { in_app: false } });
    const optedOut = await inApp(user);
    await routed(optedOut);

    const page = await client.users.events(user);
    expect(page.data.map((e) => [e.id, e.notificationCount])).toEqual([
      [optedOut, 0],
      [sent, 1],
      [unreachable.eventId, 0],
    ]);
    expect(page.nextCursor).toBeNull();

    const nothing = await client.users.events(user, { sentNothing: true });
    expect(nothing.data.map((e) => [e.id, e.suppressed])).toEqual([
      [optedOut, [{ channel: "in_app", reason: "opted_out" }]],
      [unreachable.eventId, [{ channel: "email", reason: "unreachable" }]],
    ]);
    expect(nothing).toEqual(await api(`/v1/users/${user}/events?sentNothing=true`));
    expect((await client.users.events(user, { sentNothing: false })).data).toHaveLength(3);

    const all: string[] = [];
    for await (const e of client.users.allEvents(user, { limit: 1 })) all.push(e.id);
    expect(all).toEqual([optedOut, sent, unreachable.eventId]);
  });

  it("lists a user's topics after topics.subscribe, a page at a time or all of them", async () => {
    const user = "ops-topics";
    for (const key of ["ops-a", "ops-b", "ops-c"]) await client.topics.subscribe(key, [user]);

    const first = await client.users.topics(user, { limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = [];
    for await (const t of client.users.allTopics(user, { limit: 2 })) all.push(t);
    expect(all.map((t) => t.topic).sort()).toEqual(["ops-a", "ops-b", "ops-c"]);
    expect(all).toEqual((await api(`/v1/users/${user}/topics`)).data);

    await client.topics.unsubscribe("ops-b", [user]);
    expect((await client.users.topics(user)).data.map((t) => t.topic).sort()).toEqual(["ops-a", "ops-c"]);
    await expect(client.users.topics("ops-nobody")).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("lists a topic event's subscribers who got nothing, a page at a time or all of them, and finds it in their events", async () => {
    // weekly_promo goes by e-mail and push: users with neither get nothing.
    const reached = { userId: "ops-reached", email: "reached@example.com" };
    const unreachable = ["ops-bare-1", "ops-bare-2", "ops-bare-3"].map((userId) => ({ userId }));
    await client.topics.subscribe("ops-promos", [reached, ...unreachable]);
    const { eventId } = await client.events.trigger({
      type: "weekly_promo",
      topic: "ops-promos",
      data: catalog.weekly_promo.example,
    });
    await routed(eventId);

    const first = await client.events.misses(eventId, { limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = [];
    for await (const m of client.events.allMisses(eventId, { limit: 2 })) all.push(m);
    expect(all.map((m) => m.userId).sort()).toEqual(unreachable.map((u) => u.userId));
    expect(all[0]!.suppressed).toEqual([
      { channel: "email", reason: "unreachable" },
      { channel: "push", reason: "unreachable" },
    ]);
    expect(all).toEqual((await api(`/v1/events/${eventId}/misses`)).data);
    const missed = await client.users.events("ops-bare-2", { sentNothing: true });
    expect(missed.data.map((e) => [e.id, e.topic, e.notificationCount])).toEqual([
      [eventId, "ops-promos", 0],
    ]);
  });

  it("routes a failed event again with events.retry, once; a second retry is refused", async () => {
    const [row] = await insertEvents(herald.db.db, [
      { type: "payment_failed", userId: "ops-late", data: catalog.payment_failed.example, priority: "high" },
    ]);
    const eventId = row!.event.id;
    await markEventsFailed(herald.db.db, [eventId], "template missing at the time");
    const retried = await client.events.retry(eventId);
    expect(retried).toMatchObject({ id: eventId, status: "accepted" });
    await routed(eventId);
    expect((await api(`/v1/events/${eventId}`)).notifications.length).toBeGreaterThan(0);
    await expect(client.events.retry(eventId)).rejects.toMatchObject({ status: 409, code: "conflict" });
  });

  it("reads delivery stats that count a new send, for a range given as Dates", async () => {
    const filter = { type: "payment_failed", channel: "in_app" } as const;
    const before = (await client.stats(filter)).totals;
    const eventId = await inApp("ops-stats");
    await eventually(async () => (await client.events.get(eventId)).notifications[0]?.status === "SENT");
    const after = await eventually(async () => {
      const s = await client.stats(filter);
      return s.totals.sent === before.sent + 1 ? s : null;
    });
    expect(after.totals.total).toBe(before.total + 1);
    expect(after.byType.map((t) => t.type)).toEqual(["payment_failed"]);
    expect(after.byChannel.map((c) => c.channel)).toEqual(["in_app"]);
    expect(after).toEqual(await api("/v1/stats?type=payment_failed&channel=in_app"));

    const week = await client.stats({ from: new Date(Date.now() - 6 * 86_400_000), to: new Date() });
    expect(week).toMatchObject({
      from: new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10),
      to: new Date().toISOString().slice(0, 10),
      timezone: "UTC",
    });
    expect(week.byDay).toHaveLength(7);
  });

  it("lists dead letters, retries one, discards one and retries the rest in runs of `limit`", async () => {
    const user = "ops-dl";
    await client.users.upsert(user, { email: "dl@example.com" });
    const since = new Date(Date.now() - 1000);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { eventId } = await client.events.trigger({
        type: "order_placed",
        userId: user,
        data: { ...catalog.order_placed.example, orderId: `DL-${i}` },
        channels: ["email"],
      });
      ids.push((await eventually(async () => (await client.notifications.list({ eventId })).data[0])).id);
    }
    for (const id of ids) await statusIs(id, "DEAD");

    const page = await client.deadLetters.list({ userId: user });
    expect(page.data.map((n) => n.id)).toEqual([...ids].reverse());
    expect(page.data[0]).toMatchObject({
      status: "DEAD",
      failedProvider: "flaky",
      lastError: expect.stringContaining("503"),
    });
    expect(page).toEqual(await api(`/v1/dead-letters?userId=${user}`));
    const all: string[] = [];
    for await (const n of client.deadLetters.listAll({ userId: user, since, limit: 1 })) all.push(n.id);
    expect(all).toEqual([...ids].reverse());
    // Dates travel as ISO times: none was created an hour ago.
    expect(
      (await client.deadLetters.list({ userId: user, until: new Date(Date.now() - HOUR) })).data,
    ).toEqual([]);

    provider.up = true;
    const retried = await client.deadLetters.retry(ids[0]!);
    expect(retried.id).toBe(ids[0]);
    expect(["QUEUED", "SENT"]).toContain(retried.status);
    await statusIs(ids[0]!, "SENT");
    await expect(client.deadLetters.retry(ids[0]!)).rejects.toMatchObject({ status: 409, code: "conflict" });

    const discarded = await client.deadLetters.discard(ids[1]!);
    expect(discarded).toMatchObject({ id: ids[1], status: "CANCELED", reason: "discarded" });
    expect(await api(`/v1/notifications/${ids[1]}`)).toMatchObject({
      status: "CANCELED",
      reason: "discarded",
    });

    // Newest first, `limit` at a time.
    expect(await client.deadLetters.retryAll({ userId: user, limit: 1 })).toEqual({
      retried: 1,
      ids: [ids[3]],
      more: true,
    });
    expect(await client.deadLetters.retryAll({ userId: user, since })).toEqual({
      retried: 1,
      ids: [ids[2]],
      more: false,
    });
    for (const id of ids.slice(2)) await statusIs(id, "SENT");
    expect((await client.deadLetters.list({ userId: user })).data).toEqual([]);
    expect((await api(`/v1/dead-letters?userId=${user}`)).data).toEqual([]);
  });

  it("repeats a dead-letter list and discard after a network error, but never a retry or retry-all", async () => {
    const { tries } = offlineClient(herald.apiKey, herald.url);
    expect(await tries((offline) => offline.deadLetters.list())).toBe(3);
    expect(await tries((offline) => offline.deadLetters.discard("ntf_x"))).toBe(3);
    expect(await tries((offline) => offline.deadLetters.retry("ntf_x"))).toBe(1);
    expect(await tries((offline) => offline.deadLetters.retryAll({ limit: 5 }))).toBe(1);
  });

  it("reads a user's inbox with its counts and marks items seen, read, archived, then all read", async () => {
    const user = "ops-inbox";
    // One at a time, so that the notifications are made (and listed newest first) in this order.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const eventId = await inApp(user);
      const n = await eventually(async () => (await client.events.get(eventId)).notifications[0]);
      await statusIs(n.id, "SENT");
      ids.push(n.id);
    }
    const [a, b, c] = ids as [string, string, string];

    const feed = await client.inbox.list(user);
    expect(feed.data.map((i) => i.id)).toEqual([c, b, a]);
    expect(feed.counts).toEqual({ unread: 3, unseen: 3, total: 3 });
    // Fetched by the backend as by the user's widget: delivered.
    expect(feed.data.map((i) => i.status)).toEqual(["DELIVERED", "DELIVERED", "DELIVERED"]);
    expect(feed.data[2]).toMatchObject({ type: "payment_failed", read: false, seen: false, archived: false });
    const unread = await client.inbox.list(user, { unread: true, limit: 2 });
    expect(unread.data.map((i) => i.id)).toEqual([c, b]);
    expect(unread.nextCursor).toEqual(expect.any(String));

    const seen = await client.inbox.markSeen(user, a);
    expect(seen.item).toMatchObject({ id: a, seen: true, read: false, seenAt: expect.any(String) });
    expect(seen.counts).toEqual({ unread: 3, unseen: 2, total: 3 });
    const read = await client.inbox.markRead(user, b);
    expect(read.item).toMatchObject({ id: b, status: "READ", read: true, seen: true });
    expect(read.counts).toEqual({ unread: 2, unseen: 1, total: 3 });
    const archived = await client.inbox.archive(user, c);
    expect(archived.item).toMatchObject({ id: c, archived: true, archivedAt: expect.any(String) });
    expect(archived.counts).toEqual({ unread: 1, unseen: 0, total: 2 });
    expect((await client.inbox.list(user, { archived: true })).data.map((i) => i.id)).toEqual([c]);

    // Archived items are left alone.
    expect(await client.inbox.markAllRead(user)).toEqual({
      updated: 1,
      counts: { unread: 0, unseen: 0, total: 2 },
    });
    expect((await client.inbox.list(user, { unread: true })).data).toEqual([]);
    expect((await api(`/v1/users/${user}/inbox`)).counts).toEqual({ unread: 0, unseen: 0, total: 2 });
    const readByApi = await api(`/v1/notifications/${a}`);
    expect(readByApi.status).toBe("READ");
    expect(readByApi.timeline.at(-1)).toMatchObject({
      status: "READ",
      detail: { source: "inbox", by: "api" },
    });
    expect((await api(`/v1/notifications/${c}`)).status).toBe("DELIVERED");

    await expect(client.inbox.markRead(user, "ntf_00000000000000000000000000")).rejects.toMatchObject({
      name: "HeraldApiError",
      status: 404,
      code: "not_found",
    });
  });

  it("marks a list of items seen in one request, then all of them", async () => {
    const user = "ops-seen";
    const ids = await Promise.all(
      [0, 1, 2].map(async () => {
        const eventId = await inApp(user);
        const n = await eventually(async () => (await client.events.get(eventId)).notifications[0]);
        await statusIs(n.id, "SENT");
        return n.id;
      }),
    );
    const [a, b] = ids as [string, string, string];
    // An id that is no item of the user's is left out.
    const shown = await client.inbox.markSeen(user, [a, b, "ntf_00000000000000000000000000"]);
    expect({ ...shown, ids: shown.ids.sort() }).toEqual({
      updated: 2,
      ids: [a, b].sort(),
      counts: { unread: 3, unseen: 1, total: 3 },
    });
    expect((await client.inbox.markSeen(user, [a])).updated).toBe(0);
    expect(await client.inbox.markAllSeen(user)).toEqual({
      updated: 1,
      counts: { unread: 3, unseen: 0, total: 3 },
    });
    expect((await client.inbox.list(user)).data.every((i) => i.seen && !i.read)).toBe(true);
    await expect(client.inbox.markSeen(user, [])).rejects.toMatchObject({
      name: "HeraldApiError",
      status: 422,
      code: "validation_failed",
    });
  });
});
