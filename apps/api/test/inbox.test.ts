import {
  getNotification,
  getTimeline,
  insertEvents,
  insertNotifications,
  resolveVapidKeys,
  transition,
  upsertRecipient,
} from "@herald/db";
import { newId } from "@herald/ids";
import { signTrackingToken } from "@herald/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverInApp } from "./inbox-fixtures.ts";
import { createTestApi, type TestApi } from "./test-api.ts";
import { asUser, tokenOf } from "./user-token-fixtures.ts";

let api: TestApi;
const prefix = () => api.deps.env.QUEUE_PREFIX;
const deliver = (userId: string, title: string) =>
  deliverInApp(api.deps.db, api.deps.redis, prefix(), userId, title);

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

describe("user tokens", () => {
  it("are issued to API keys only, stable, and different per user", async () => {
    const a = await tokenOf(api, "ada");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await tokenOf(api, "ada")).toBe(a);
    expect(await tokenOf(api, "grace")).not.toBe(a);
    const noKey = await api.call("GET", "/v1/users/ada/token", undefined, { authorization: "" });
    expect(noKey.status).toBe(401);
    const withUserToken = await api.call("GET", "/v1/users/ada/token", undefined, asUser(a));
    expect(withUserToken.status).toBe(401);
  });

  it("never open another user's inbox (403), and a missing token is a 401", async () => {
    await deliver("owner", "Secret");
    const other = await tokenOf(api, "intruder");
    for (const [method, path] of [
      ["GET", "/v1/users/owner/inbox"],
      ["GET", "/v1/users/owner/inbox/stream"],
      ["POST", "/v1/users/owner/inbox/read-all"],
    ] as const) {
      const res = await api.call(method, path, undefined, asUser(other));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatchObject({ code: "forbidden", message: expect.stringContaining("inbox") });
      expect(res.body.error.requestId).toMatch(/^req_/);
    }
    const viaQuery = await api.call("GET", `/v1/users/owner/inbox?token=${other}`, undefined, {
      authorization: "",
    });
    expect(viaQuery.status).toBe(403);
    const none = await api.call("GET", "/v1/users/owner/inbox", undefined, { authorization: "" });
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/^Send the user's token/);
  });

  it("are accepted in the query string (for EventSource), API keys are not", async () => {
    const token = await tokenOf(api, "query-user");
    const ok = await api.call("GET", `/v1/users/query-user/inbox?token=${token}`, undefined, {
      authorization: "",
    });
    expect(ok.status).toBe(200);
    const key = await api.call("GET", `/v1/users/query-user/inbox?token=${api.apiKey}`, undefined, {
      authorization: "",
    });
    expect(key.status).toBe(401);
    expect(key.body.error.message).toMatch(/^Only user tokens are accepted in the query string/);
    // Changes need the header: a token in a URL ends up in logs.
    const change = await api.call("POST", `/v1/users/query-user/inbox/read-all?token=${token}`, undefined, {
      authorization: "",
    });
    expect(change.status).toBe(401);
    expect(change.body.error.message).toMatch(/taken only by GET requests/);
    expect(
      (await api.call("POST", "/v1/users/query-user/inbox/read-all", undefined, asUser(token))).status,
    ).toBe(200);
  });

  it("leave the inbox open to backends with an API key", async () => {
    const res = await api.call("GET", "/v1/users/owner/inbox");
    expect(res.status).toBe(200);
    expect(res.body.data.map((i: { title: string }) => i.title)).toEqual(["Secret"]);
  });
});

describe("the inbox feed", () => {
  it("lists sent items newest first with counts, pages by cursor and filters unread", async () => {
    const token = await tokenOf(api, "feed");
    const first = await deliver("feed", "First");
    await deliver("feed", "Second");
    await deliver("feed", "Third");

    const page1 = await api.call("GET", "/v1/users/feed/inbox?limit=2", undefined, asUser(token));
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((i: { title: string }) => i.title)).toEqual(["Third", "Second"]);
    expect(page1.body.counts).toEqual({ unread: 3, unseen: 3, total: 3 });
    expect(page1.body.data[0]).toMatchObject({
      type: "order_placed",
      body: "Third body",
      url: "https://shop.example.com/o/1",
      // Fetched by the user's client: in-app counts as delivered.
      status: "DELIVERED",
      read: false,
      seen: false,
      archived: false,
    });
    const page2 = await api.call(
      "GET",
      `/v1/users/feed/inbox?limit=2&cursor=${page1.body.nextCursor}`,
      undefined,
      asUser(token),
    );
    expect(page2.body.data.map((i: { title: string }) => i.title)).toEqual(["First"]);
    expect(page2.body.nextCursor).toBeNull();

    await api.call("POST", `/v1/users/feed/inbox/${first.id}/read`, undefined, asUser(token));
    const unread = await api.call("GET", "/v1/users/feed/inbox?unread=true", undefined, asUser(token));
    expect(unread.body.data.map((i: { title: string }) => i.title)).toEqual(["Third", "Second"]);
    expect(unread.body.counts).toEqual({ unread: 2, unseen: 2, total: 3 });
  });

  it("is empty, not a 404, for a user who never got anything", async () => {
    const res = await api.call(
      "GET",
      "/v1/users/nobody-yet/inbox",
      undefined,
      asUser(await tokenOf(api, "nobody-yet")),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], nextCursor: null, counts: { unread: 0, unseen: 0, total: 0 } });
  });

  it("does not show items that are not sent yet", async () => {
    const r = await upsertRecipient(api.deps.db, "pending", {});
    const [event] = await insertEvents(api.deps.db, [
      { type: "order_placed", userId: "pending", data: {}, priority: "normal" },
    ]);
    const [queued] = await insertNotifications(api.deps.db, [
      {
        id: newId("ntf"),
        eventId: event!.event.id,
        recipientId: r.id,
        userId: "pending",
        type: "order_placed",
        category: "transactional",
        channel: "in_app",
        priority: "normal",
        status: "QUEUED",
        content: { channel: "in_app", title: "Later", body: "" },
      },
    ]);
    const token = await tokenOf(api, "pending");
    const feed = await api.call("GET", "/v1/users/pending/inbox", undefined, asUser(token));
    expect(feed.body.data).toEqual([]);
    const read = await api.call(
      "POST",
      `/v1/users/pending/inbox/${queued!.id}/read`,
      undefined,
      asUser(token),
    );
    expect(read.status).toBe(404);
  });

  it("rejects a bad cursor with a 400", async () => {
    const res = await api.call(
      "GET",
      "/v1/users/feed/inbox?cursor=nope",
      undefined,
      asUser(await tokenOf(api, "feed")),
    );
    expect(res.status).toBe(400);
  });
});

describe("inbox state changes", () => {
  it("read marks the notification READ through the state machine, once", async () => {
    const token = await tokenOf(api, "reader");
    const n = await deliver("reader", "Read me");
    const res = await api.call("POST", `/v1/users/reader/inbox/${n.id}/read`, undefined, asUser(token));
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ id: n.id, status: "READ", read: true, seen: true });
    expect(res.body.counts).toEqual({ unread: 0, unseen: 0, total: 1 });
    const again = await api.call("POST", `/v1/users/reader/inbox/${n.id}/read`, undefined, asUser(token));
    expect(again.status).toBe(200);
    const timeline = await getTimeline(api.deps.db, n.id);
    expect(timeline.map((t) => t.status)).toEqual(["PENDING", "QUEUED", "SENT", "READ"]);
    expect(timeline.at(-1)!.detail).toEqual({ source: "inbox", by: "user" });
  });

  it("records a backend's read as by api", async () => {
    const n = await deliver("backend-read", "Via API");
    await api.call("POST", `/v1/users/backend-read/inbox/${n.id}/read`);
    expect((await getTimeline(api.deps.db, n.id)).at(-1)!.detail).toEqual({ source: "inbox", by: "api" });
  });

  it("seen lowers the unseen count without changing the status", async () => {
    const token = await tokenOf(api, "seer");
    const n = await deliver("seer", "Seen");
    const res = await api.call("POST", `/v1/users/seer/inbox/${n.id}/seen`, undefined, asUser(token));
    expect(res.body.item).toMatchObject({ status: "SENT", seen: true, read: false });
    expect(res.body.counts).toEqual({ unread: 1, unseen: 0, total: 1 });
  });

  it("archive hides an item from the feed and the counts", async () => {
    const token = await tokenOf(api, "archiver");
    const n = await deliver("archiver", "Old");
    await deliver("archiver", "New");
    const res = await api.call("POST", `/v1/users/archiver/inbox/${n.id}/archive`, undefined, asUser(token));
    expect(res.body.item.archived).toBe(true);
    expect(res.body.counts).toEqual({ unread: 1, unseen: 1, total: 1 });
    const feed = await api.call("GET", "/v1/users/archiver/inbox", undefined, asUser(token));
    expect(feed.body.data.map((i: { title: string }) => i.title)).toEqual(["New"]);
    const archived = await api.call(
      "GET",
      "/v1/users/archiver/inbox?archived=true",
      undefined,
      asUser(token),
    );
    expect(archived.body.data.map((i: { title: string }) => i.title)).toEqual(["Old"]);
  });

  it("read-all reads every unread item", async () => {
    const token = await tokenOf(api, "bulk");
    for (const t of ["a", "b", "c"]) await deliver("bulk", t);
    const res = await api.call("POST", "/v1/users/bulk/inbox/read-all", undefined, asUser(token));
    expect(res.body).toEqual({ updated: 3, counts: { unread: 0, unseen: 0, total: 3 } });
    // A user Herald does not know has an empty inbox, and reading it creates no one.
    const nobody = await api.call("POST", "/v1/users/inbox-nobody/inbox/read-all");
    expect(nobody.body).toEqual({ updated: 0, counts: { unread: 0, unseen: 0, total: 0 } });
    expect((await api.call("GET", "/v1/users/inbox-nobody")).status).toBe(404);
  });

  it("cannot touch another user's item through one's own inbox", async () => {
    const theirs = await deliver("victim", "Theirs");
    const token = await tokenOf(api, "mallory");
    const res = await api.call("POST", `/v1/users/mallory/inbox/${theirs.id}/read`, undefined, asUser(token));
    expect(res.status).toBe(404);
  });

  it("answers CORS preflights for browsers on other origins", async () => {
    const res = await api.call("OPTIONS", "/v1/users/ada/inbox/stream", undefined, {
      authorization: "",
      origin: "https://app.example.com",
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization,last-event-id",
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("last-event-id");
  });

  it("lets browser pages read the request id, Retry-After and the rate-limit budget", async () => {
    const res = await api.call("GET", "/v1/users/ada/inbox", undefined, {
      origin: "https://app.example.com",
    });
    expect(res.status).toBe(200);
    const exposed = res.headers.get("access-control-expose-headers")?.toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining(["x-request-id", "retry-after", "ratelimit-remaining", "ratelimit-reset"]),
    );
  });
});

describe("browser push routes", () => {
  it("serves the VAPID public key the worker signs with, without an API key", async () => {
    const res = await api.call("GET", "/v1/push/vapid-public-key", undefined, { authorization: "" });
    expect(res.status).toBe(200);
    const worker = await resolveVapidKeys(api.deps.db);
    expect(res.body.publicKey).toBe(worker.publicKey);
    expect(Buffer.from(res.body.publicKey, "base64url")).toHaveLength(65);
  });

  it("records a push click in the timeline", async () => {
    const r = await upsertRecipient(api.deps.db, "clicker", {});
    const [event] = await insertEvents(api.deps.db, [
      { type: "order_placed", userId: "clicker", data: {}, priority: "normal" },
    ]);
    const [n] = await insertNotifications(api.deps.db, [
      {
        id: newId("ntf"),
        eventId: event!.event.id,
        recipientId: r.id,
        userId: "clicker",
        type: "order_placed",
        category: "transactional",
        channel: "push",
        priority: "normal",
        status: "QUEUED",
        content: { channel: "push", title: "T", body: "B" },
      },
    ]);
    await transition(api.deps.db, n!.id, "SENT");
    const secret = api.deps.env.TRACKING_SECRET;
    const clickAt = (token: string | null, notificationId = n!.id) =>
      api.call(
        "POST",
        `/v1/push/clicks${token === null ? "" : `?token=${token}`}`,
        { notificationId },
        { authorization: "" },
      );
    const click = () => clickAt(signTrackingToken(secret, "push", { notificationId: n!.id }));
    // The id alone is not enough (ids are not secret), nor another notification's token, nor an open pixel's.
    for (const refused of [
      await clickAt(null),
      await clickAt("garbage"),
      await clickAt(signTrackingToken(secret, "push", { notificationId: newId("ntf") })),
      await clickAt(signTrackingToken(secret, "open", { notificationId: n!.id })),
      await clickAt(
        signTrackingToken("another secret of 32 characters or more", "push", { notificationId: n!.id }),
      ),
    ]) {
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(/clickUrl/);
    }
    expect((await getNotification(api.deps.db, n!.id))!.status).toBe("SENT");
    expect((await click()).status).toBe(202);
    expect((await click()).status).toBe(202);
    const timeline = await getTimeline(api.deps.db, n!.id);
    expect(timeline.slice(-2).map((t) => [t.status, t.detail])).toEqual([
      ["READ", { event: "clicked", source: "web_push" }],
      ["READ", { event: "clicked", source: "web_push", statusUnchanged: true }],
    ]);
    const unknownId = newId("ntf");
    const unknown = await clickAt(
      signTrackingToken(secret, "push", { notificationId: unknownId }),
      unknownId,
    );
    expect(unknown.status).toBe(404);
    const bad = await api.call("POST", "/v1/push/clicks", { notificationId: "x" }, { authorization: "" });
    expect(bad.status).toBe(422);
  });

  it("serves the service worker", async () => {
    const res = await api.call("GET", "/herald-sw.js", undefined, { authorization: "" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(res.body).toContain('addEventListener("notificationclick"');
  });

  it("describes the inbox routes in the OpenAPI document", async () => {
    const doc = (await api.call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/users/{userId}/inbox",
        "/v1/users/{userId}/inbox/stream",
        "/v1/users/{userId}/inbox/{notificationId}/read",
        "/v1/users/{userId}/inbox/read-all",
        "/v1/users/{userId}/token",
        "/v1/push/vapid-public-key",
        "/v1/push/clicks",
      ]),
    );
    expect(doc.components.securitySchemes.UserToken).toBeDefined();
  });
});
