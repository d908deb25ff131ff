import {
  insertEvents,
  markEventsFailed,
  markEventsRouted,
  recordFanoutMisses,
  upsertRecipient,
} from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

/**
 * The lists support pages through past their first page: user search, the
 * failed notifications split into "retrying" and "failed for good", and a
 * user's events (those that sent nothing included).
 */
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.close());

/** Every item of a list, page by page, following `nextCursor`. */
async function all(path: string, limit: number): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await api.call(
      "GET",
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { items, pages };
}

describe("GET /v1/dashboard/users", () => {
  it("pages with nextCursor past the first page, each match once", async () => {
    for (let i = 0; i < 12; i++)
      await upsertRecipient(api.deps.db, `lister-${String(i).padStart(2, "0")}`, {});
    const first = await api.call("GET", "/v1/dashboard/users?q=lister-&limit=5");
    expect(first.body.data).toHaveLength(5);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const { items, pages } = await all("/v1/dashboard/users?q=lister-", 5);
    expect(pages).toBe(3);
    expect(items.map((u) => u.userId).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `lister-${String(i).padStart(2, "0")}`),
    );
  });

  it("answers 400 to a cursor that is not one of ours", async () => {
    const res = await api.call("GET", "/v1/dashboard/users?q=lister-&cursor=bm9wZQ");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("malformed_request");
  });
});

describe("GET /v1/notifications?failedForGood=", () => {
  it("splits FAILED into final and retrying on the server, so every page is full", async () => {
    const ids = { final: [] as string[], retrying: [] as string[] };
    for (let i = 0; i < 7; i++) {
      const final = i % 3 === 0;
      const { notification: n } = await seedNotification(api.deps.db, "failing-fay", {
        channel: "sms",
        status: "FAILED",
      });
      if (final) {
        await api.db
          .sql`UPDATE notifications SET reason = ${i === 3 ? "device_gone" : "permanent_error"} WHERE id = ${n.id}`;
      }
      ids[final ? "final" : "retrying"].push(n.id);
    }
    await seedNotification(api.deps.db, "failing-fay", { channel: "sms", status: "DEAD" });

    const final = await all("/v1/notifications?userId=failing-fay&failedForGood=true", 2);
    expect(final.items.map((n) => n.id).sort()).toEqual(ids.final.sort());
    expect(final.items.every((n) => n.status === "FAILED")).toBe(true);
    const retrying = await all("/v1/notifications?userId=failing-fay&failedForGood=false", 2);
    expect(retrying.items.map((n) => n.id).sort()).toEqual(ids.retrying.sort());
    expect(retrying.pages).toBe(2);
  });

  it("refuses anything but true or false", async () => {
    expect((await api.call("GET", "/v1/notifications?failedForGood=yes")).status).toBe(422);
  });
});

describe("GET /v1/users/:userId/events", () => {
  it("lists the user's events with what they made; sentNothing keeps those that made no notification", async () => {
    const db = api.deps.db;
    const { notification: sent } = await seedNotification(db, "quiet-quinn", { channel: "email" });
    const [muted, broken, waiting] = await insertEvents(db, [
      { type: "weekly_promo", userId: "quiet-quinn", data: {}, priority: "low" },
      { type: "order_placed", userId: "quiet-quinn", data: {}, priority: "normal" },
      { type: "order_placed", userId: "quiet-quinn", data: {}, priority: "normal" },
    ]);
    await insertEvents(db, [{ type: "weekly_promo", userId: "someone-else", data: {}, priority: "low" }]);
    const skipped = [
      { channel: "email", reason: "opted_out" },
      { channel: "push", reason: "unreachable" },
    ];
    await markEventsRouted(db, [{ id: muted!.event.id, suppressed: skipped, at: new Date() }]);
    await markEventsFailed(db, [broken!.event.id], "unknown type");

    const every = await all("/v1/users/quiet-quinn/events", 2);
    expect(every.items.map((e) => e.id)).toEqual([
      waiting!.event.id,
      broken!.event.id,
      muted!.event.id,
      sent.eventId,
    ]);
    expect(every.items.find((e) => e.id === sent.eventId).notificationCount).toBe(1);

    const nothing = await all("/v1/users/quiet-quinn/events?sentNothing=true", 1);
    expect(nothing.items.map((e) => e.id)).toEqual([broken!.event.id, muted!.event.id]);
    expect(nothing.items[1]).toMatchObject({
      type: "weekly_promo",
      status: "routed",
      suppressed: skipped,
      notificationCount: 0,
    });
    expect(nothing.items[0]).toMatchObject({ status: "failed", error: "unknown type" });
    expect(nothing.items[0].notifications).toBeUndefined();
  });

  it("sentNothing also lists the topic events that reached the user with nothing, merged by time", async () => {
    const db = api.deps.db;
    const tess = await upsertRecipient(db, "topic-tess", {});
    const event = (type: string, userId: string | null, topic?: string) => ({
      type,
      userId,
      ...(topic ? { topic } : {}),
      data: {},
      priority: "low" as const,
    });
    const rows = [];
    for (const e of [
      event("weekly_promo", "topic-tess"),
      event("weekly_promo", null, "news"),
      event("weekly_promo", "topic-tess"),
      event("weekly_promo", null, "news"),
    ])
      rows.push((await insertEvents(db, [e]))[0]!.event);
    const [own1, topicA, own2, topicB] = rows;
    const optedOut = [{ channel: "email", reason: "opted_out" }];
    const noDevice = [{ channel: "push", reason: "unreachable" }];
    await markEventsRouted(
      db,
      [own1!, own2!].map((e) => ({ id: e.id, suppressed: optedOut, at: new Date() })),
    );
    await recordFanoutMisses(db, topicA!.id, [{ recipientId: tess.id, suppressed: noDevice }]);
    await recordFanoutMisses(db, topicB!.id, [{ recipientId: tess.id, suppressed: optedOut }]);

    const nothing = await all("/v1/users/topic-tess/events?sentNothing=true", 1);
    expect(nothing.items.map((e) => e.id)).toEqual([topicB!.id, own2!.id, topicA!.id, own1!.id]);
    expect(nothing.items[2]).toMatchObject({
      topic: "news",
      notificationCount: 0,
      suppressed: noDevice,
    });
    expect(nothing.items[2].userId).toBeUndefined();
    // Their own events only, without the filter.
    const every = await all("/v1/users/topic-tess/events", 10);
    expect(every.items.map((e) => e.id)).toEqual([own2!.id, own1!.id]);
  });

  it("is empty for a user Herald does not know", async () => {
    const res = await api.call("GET", "/v1/users/nobody-at-all/events");
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });
});

describe("GET /v1/events/:eventId/misses", () => {
  it("pages a topic event's subscribers who got nothing, by user, each with why", async () => {
    const db = api.deps.db;
    const users = await Promise.all(["miss-a", "miss-b", "miss-c"].map((u) => upsertRecipient(db, u, {})));
    const [topicEvent] = await insertEvents(db, [
      { type: "weekly_promo", userId: null, topic: "misses", data: {}, priority: "low" },
    ]);
    const eventId = topicEvent!.event.id;
    const why = (reason: string) => [{ channel: "email", reason }];
    await recordFanoutMisses(
      db,
      eventId,
      users.map((u, i) => ({ recipientId: u.id, suppressed: why(i === 1 ? "unreachable" : "opted_out") })),
    );
    const byId = [...users].sort((a, b) => (a.id < b.id ? -1 : 1)).map((u) => u.externalId);
    const listed = await all(`/v1/events/${eventId}/misses`, 2);
    expect(listed.pages).toBe(2);
    expect(listed.items.map((m) => m.userId)).toEqual(byId);
    expect(listed.items.find((m) => m.userId === "miss-b")).toEqual({
      userId: "miss-b",
      suppressed: why("unreachable"),
    });

    const [own] = await insertEvents(db, [
      { type: "weekly_promo", userId: "miss-a", data: {}, priority: "low" },
    ]);
    expect((await api.call("GET", `/v1/events/${own!.event.id}/misses`)).body).toEqual({
      data: [],
      nextCursor: null,
    });
    expect((await api.call("GET", "/v1/events/evt_00000000000000000000000000/misses")).status).toBe(404);
    expect((await api.call("GET", `/v1/events/${eventId}/misses?cursor=nope`)).status).toBe(400);
  });
});
