import { getTimeline } from "@herald/db";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverInApp } from "./inbox-fixtures.ts";
import { createTestApi, type TestApi } from "./test-api.ts";
import { asUser, tokenOf } from "./user-token-fixtures.ts";

let api: TestApi;
const deliver = (userId: string, title: string) =>
  deliverInApp(api.deps.db, api.deps.redis, api.deps.env.QUEUE_PREFIX, userId, title);
const inbox = (userId: string) => `/v1/users/${userId}/inbox`;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const readCount = async () =>
  (await api.call("GET", "/v1/stats?channel=in_app")).body.totals as Record<string, number>;

describe("POST /v1/users/:userId/inbox/:id/unread", () => {
  it("makes a read item unread again with status READ kept, reads it again without counting twice, no webhook", async () => {
    // Status webhooks on for READ: the trigger would record a READ that moved.
    await api.db
      .sql`insert into settings (key, value) values ('status_webhooks', '{"statuses":["READ"]}'::jsonb)`;
    const token = await tokenOf(api, "undo-reader");
    await deliver("undo-reader", "Other");
    // Delivered now, so that later fetches move no count; the item below is read straight from SENT.
    await api.call("GET", inbox("undo-reader"), undefined, asUser(token));
    const n = await deliver("undo-reader", "Opened by mistake");
    const post = (action: string) =>
      api.call("POST", `${inbox("undo-reader")}/${n.id}/${action}`, undefined, asUser(token));

    const read = await post("read");
    expect(read.body.counts).toEqual({ unread: 1, unseen: 1, total: 2 });
    const before = await readCount();

    const unread = await post("unread");
    expect(unread.status).toBe(200);
    expect(unread.body.item).toMatchObject({ id: n.id, status: "READ", read: false, seen: true });
    expect(unread.body.item.readAt).toBeUndefined();
    expect(unread.body.counts).toEqual({ unread: 2, unseen: 1, total: 2 });
    const unreadOnly = await api.call("GET", `${inbox("undo-reader")}?unread=true`, undefined, asUser(token));
    expect(unreadOnly.body.data.map((i: { id: string }) => i.id)).toContain(n.id);
    // The API's notification view: readAt is the inbox's state, the status the delivery chain's.
    const view = await api.call("GET", `/v1/notifications/${n.id}`);
    expect(view.body).toMatchObject({ status: "READ" });
    expect(view.body.readAt).toBeUndefined();
    expect(await readCount()).toEqual(before);

    // Unread again: nothing changes, still 200, no timeline entry.
    const again = await post("unread");
    expect(again.status).toBe(200);
    expect(again.body.counts).toEqual({ unread: 2, unseen: 1, total: 2 });

    const reread = await post("read");
    expect(reread.body.item).toMatchObject({ status: "READ", read: true });
    expect(reread.body.item.readAt).toEqual(expect.any(String));
    expect(reread.body.counts).toEqual({ unread: 1, unseen: 1, total: 2 });
    expect(await readCount()).toEqual(before);

    const timeline = await getTimeline(api.deps.db, n.id);
    expect(timeline.map((t) => [t.status, t.detail])).toEqual([
      ["PENDING", null],
      ["QUEUED", null],
      ["SENT", null],
      ["READ", { source: "inbox", by: "user" }],
      ["READ", { source: "inbox", by: "user", action: "unread" }],
      ["READ", { source: "inbox", by: "user", again: true }],
    ]);
    const changes = await api.db
      .sql`select status from status_webhook_changes where notification_id = ${n.id}`;
    expect(changes.map((c) => c.status)).toEqual(["READ"]);
    await api.db.sql`delete from settings where key = 'status_webhooks'`;
  });

  it("leaves an unread item as it is, and read-all reads an item marked unread", async () => {
    const n = await deliver("undo-idle", "Never read");
    const res = await api.call("POST", `${inbox("undo-idle")}/${n.id}/unread`);
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ status: "SENT", read: false });
    expect((await getTimeline(api.deps.db, n.id)).map((t) => t.status)).toEqual([
      "PENDING",
      "QUEUED",
      "SENT",
    ]);

    await api.call("POST", `${inbox("undo-idle")}/${n.id}/read`);
    await api.call("POST", `${inbox("undo-idle")}/${n.id}/unread`);
    const all = await api.call("POST", `${inbox("undo-idle")}/read-all`);
    expect(all.body).toEqual({ updated: 1, counts: { unread: 0, unseen: 0, total: 1 } });
  });

  it("answers 404 for another user's item or an unknown one", async () => {
    const theirs = await deliver("undo-victim", "Theirs");
    await api.call("POST", `${inbox("undo-victim")}/${theirs.id}/read`);
    const token = await tokenOf(api, "undo-mallory");
    for (const action of ["unread", "unarchive"]) {
      const res = await api.call(
        "POST",
        `${inbox("undo-mallory")}/${theirs.id}/${action}`,
        undefined,
        asUser(token),
      );
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const unknown = await api.call(
      "POST",
      `${inbox("undo-mallory")}/ntf_00000000000000000000000000/unread`,
      undefined,
      asUser(token),
    );
    expect(unknown.status).toBe(404);
    const still = await api.call("GET", `/v1/notifications/${theirs.id}`);
    expect(still.body.readAt).toEqual(expect.any(String));
  });
});

describe("POST /v1/users/:userId/inbox/:id/unarchive", () => {
  it("brings an archived item back into the feed in its place and into the counts", async () => {
    const token = await tokenOf(api, "restorer");
    const old = await deliver("restorer", "Old");
    await deliver("restorer", "Middle");
    await deliver("restorer", "New");
    await api.call("POST", `${inbox("restorer")}/${old.id}/archive`, undefined, asUser(token));
    const res = await api.call("POST", `${inbox("restorer")}/${old.id}/unarchive`, undefined, asUser(token));
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ id: old.id, archived: false });
    expect(res.body.counts).toEqual({ unread: 3, unseen: 3, total: 3 });
    const feed = await api.call("GET", inbox("restorer"), undefined, asUser(token));
    expect(feed.body.data.map((i: { title: string }) => i.title)).toEqual(["New", "Middle", "Old"]);
    const archived = await api.call("GET", `${inbox("restorer")}?archived=true`, undefined, asUser(token));
    expect(archived.body.data).toEqual([]);
    // Not archived: left as it is.
    const again = await api.call(
      "POST",
      `${inbox("restorer")}/${old.id}/unarchive`,
      undefined,
      asUser(token),
    );
    expect(again.body.counts).toEqual({ unread: 3, unseen: 3, total: 3 });
  });
});

interface StreamEvent {
  event: string;
  data: string;
}

/** An open stream on the in-process app, parsed as EventSource parses it. */
async function openStream(path: string) {
  const res = await api.app.request(path);
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: StreamEvent[] = [];
  let buffer = "";
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split("\n")
            .filter((l) => l.startsWith(`${name}:`))
            .map((l) => l.slice(name.length + 1).trim())
            .join("\n");
        if (field("event")) events.push({ event: field("event"), data: field("data") });
        end = buffer.indexOf("\n\n");
      }
    }
  })();
  return { events, close: () => reader.cancel() };
}

describe("the inbox stream", () => {
  it("tells every open stream of the user about `unread` and `unarchived`, with the counts after each", async () => {
    const token = await tokenOf(api, "undo-tabs");
    const n = await deliver("undo-tabs", "Tab item");
    const post = (action: string) =>
      api.call("POST", `${inbox("undo-tabs")}/${n.id}/${action}`, undefined, asUser(token));
    await post("read");
    await post("archive");
    const stream = await openStream(`${inbox("undo-tabs")}/stream?token=${token}`);
    const after = (name: string) => stream.events.slice(stream.events.findIndex((e) => e.event === name));
    await eventually(() => stream.events.some((e) => e.event === "counts"), {
      explain: () => stream.events,
    });

    await post("unarchive");
    const unarchived = await eventually(
      () => {
        const [event, counts] = after("unarchived");
        return event?.event === "unarchived" && counts?.event === "counts" ? [event, counts] : null;
      },
      { explain: () => stream.events },
    );
    const body = JSON.parse(unarchived[0]!.data);
    expect(body.ids).toEqual([n.id]);
    expect(body.items).toEqual([expect.objectContaining({ id: n.id, archived: false, read: true })]);
    expect(JSON.parse(unarchived[1]!.data)).toEqual({ unread: 0, unseen: 0, total: 1 });

    await post("unread");
    const unread = await eventually(
      () => {
        const [event, counts] = after("unread");
        return event?.event === "unread" && counts?.event === "counts" ? [event, counts] : null;
      },
      { explain: () => stream.events },
    );
    expect(JSON.parse(unread[0]!.data)).toEqual({ ids: [n.id] });
    expect(JSON.parse(unread[1]!.data)).toEqual({ unread: 1, unseen: 0, total: 1 });
    await stream.close();
  });
});
