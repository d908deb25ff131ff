import { createApiKey, encodeCursor, encodeTimeKeyCursor } from "@herald/db";
import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserCall, createTestAccounts, signInAs, TEST_ADMIN, TEST_SUPPORT } from "./dashboard-session.ts";
import { createTestApi, loggingApp, type TestApi } from "./test-api.ts";

/**
 * The topics as an operator sees them: `GET /v1/topics` (key order, cursor
 * paging, a literal prefix, subscriber counts) and `DELETE /v1/topics/{key}`
 * (the topic and its subscriptions; 404 when unknown), by scope.
 */
let api: TestApi;
let keys: { reader: string; writer: string };
beforeAll(async () => {
  api = await createTestApi();
  keys = {
    reader: (await createApiKey(api.deps.db, { name: "reader", scopes: ["read"] })).key,
    writer: (await createApiKey(api.deps.db, { name: "writer", scopes: ["users:write", "events:write"] }))
      .key,
  };
});
afterAll(() => api?.close());

const as = (key: string) => ({ authorization: `Bearer ${key}` });

/** A 4xx answer in SPEC's error shape. */
function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
  expect(typeof res.body.error.message).toBe("string");
}

async function subscribe(topic: string, userIds: string[]) {
  const res = await api.call("POST", `/v1/topics/${topic}/subscribers`, { subscribers: userIds });
  expect(res.status).toBe(200);
}

type Item = { key: string; subscriberCount: number; createdAt: string };

/** Every page of `GET /v1/topics` with this query, following `nextCursor`. */
async function allPages(query: string): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = cursor ? `&cursor=${cursor}` : "";
    const res = await api.call("GET", `/v1/topics?${query}${q}`);
    expect(res.status).toBe(200);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return { items, pages };
}

describe("GET /v1/topics", () => {
  it("pages through the topics in key order with their subscriber counts, each once", async () => {
    const made = Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, "0")}`);
    // Created out of order: the list is by key, not by creation.
    for (const [i, key] of [...made].reverse().entries())
      await subscribe(
        key,
        Array.from({ length: (i % 4) + 1 }, (_, k) => `pg-${k}`),
      );
    const { items, pages } = await allPages("prefix=page-&limit=10");
    expect(pages).toBe(3);
    expect(items.map((t) => t.key)).toEqual(made);
    for (const [i, t] of [...items].reverse().entries()) {
      expect(t.subscriberCount).toBe((i % 4) + 1);
      expect(Date.parse(t.createdAt)).not.toBeNaN();
    }
    // A page that ends the list says so.
    const whole = await api.call("GET", "/v1/topics?prefix=page-&limit=23");
    expect(whole.body.data).toHaveLength(23);
    expect(whole.body.nextCursor).toBeNull();
  });

  it("keeps its place when topics are created or deleted between two pages", async () => {
    for (const key of ["move-b", "move-c", "move-d", "move-f"]) await subscribe(key, ["mv-1"]);
    const first = await api.call("GET", "/v1/topics?prefix=move-&limit=2");
    expect(first.body.data.map((t: Item) => t.key)).toEqual(["move-b", "move-c"]);
    // The cursor's own topic goes, one comes before it and one after.
    expect((await api.call("DELETE", "/v1/topics/move-c")).status).toBe(204);
    await subscribe("move-a", ["mv-1"]);
    await subscribe("move-e", ["mv-1"]);
    const next = await api.call("GET", `/v1/topics?prefix=move-&limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body.data.map((t: Item) => t.key)).toEqual(["move-d", "move-e"]);
  });

  it("counts subscribers exactly, 0 for a topic everyone left", async () => {
    await subscribe(
      "count-big",
      Array.from({ length: 1000 }, (_, i) => `cnt-${i}`),
    );
    await subscribe(
      "count-big",
      Array.from({ length: 500 }, (_, i) => `cnt-${1000 + i}`),
    );
    await subscribe("count-one", ["cnt-1"]);
    await subscribe("count-left", ["cnt-2", "cnt-3"]);
    await api.call("DELETE", "/v1/topics/count-left/subscribers", { userIds: ["cnt-2", "cnt-3"] });
    const res = await api.call("GET", "/v1/topics?prefix=count-");
    expect(res.body.data.map((t: Item) => [t.key, t.subscriberCount])).toEqual([
      ["count-big", 1500],
      ["count-left", 0],
      ["count-one", 1],
    ]);
    // The same count as the topic's own route.
    expect((await api.call("GET", "/v1/topics/count-big")).body.subscriberCount).toBe(1500);
  });

  it("matches the prefix character for character: `_` and `%` are no wildcards", async () => {
    for (const key of ["wild_card", "wildxcard", "wild.card", "wild_", "wil"]) await subscribe(key, ["w-1"]);
    const keysOf = async (prefix: string) => {
      const res = await api.call("GET", `/v1/topics?prefix=${encodeURIComponent(prefix)}`);
      expect(res.status).toBe(200);
      return res.body.data.map((t: Item) => t.key);
    };
    expect(await keysOf("wild_")).toEqual(["wild_", "wild_card"]);
    expect(await keysOf("wild_c")).toEqual(["wild_card"]);
    expect(await keysOf("wild%")).toEqual([]);
    expect(await keysOf("%")).toEqual([]);
    expect(await keysOf("wil_")).toEqual([]);
    expect(await keysOf("wild\\")).toEqual([]);
    expect(await keysOf("wild")).toEqual(["wild.card", "wild_", "wild_card", "wildxcard"]);
    expect(await keysOf("wild.card.")).toEqual([]);
    // An empty prefix is no filter.
    expect((await keysOf("")).length).toBeGreaterThan(5);
  });

  it("refuses a cursor that is not one of its own with 400, a bad prefix or limit with 422", async () => {
    await subscribe("cursor-check", ["cc-1"]);
    const foreign = [
      "nope",
      "%%%",
      encodeCursor("ntf_01jd8q3k5m6n7p8q9r0s1t2v3w"),
      encodeTimeKeyCursor({ micros: "1764000000000000", key: "cursor-check" }),
      Buffer.from("k:cursor\u0000check").toString("base64url"),
      Buffer.from("k:").toString("base64url"),
      Buffer.from("k:caf\u00e9").toString("base64url"),
    ];
    for (const cursor of foreign) {
      expectError(
        await api.call("GET", `/v1/topics?cursor=${encodeURIComponent(cursor)}`),
        400,
        "malformed_request",
      );
    }
    for (const prefix of ["a\u0000", "\u0007", "caf\u00e9", "x".repeat(129)]) {
      expectError(
        await api.call("GET", `/v1/topics?prefix=${encodeURIComponent(prefix)}`),
        422,
        "validation_failed",
      );
    }
    for (const limit of ["0", "201", "ten"])
      expectError(await api.call("GET", `/v1/topics?limit=${limit}`), 422, "validation_failed");
  });

  it("needs the read scope: 401 without a key, 403 with a key that lacks it", async () => {
    expectError(await api.call("GET", "/v1/topics", undefined, { authorization: "" }), 401, "unauthorized");
    const refused = await api.call("GET", "/v1/topics", undefined, as(keys.writer));
    expectError(refused, 403, "forbidden");
    expect(refused.body.error.message).toMatch(/"read"/);
    expect((await api.call("GET", "/v1/topics?limit=1", undefined, as(keys.reader))).status).toBe(200);
  });
});

describe("DELETE /v1/topics/{key}", () => {
  it("removes the topic and its subscriptions, keeps the users, and answers 404 after", async () => {
    await subscribe("doomed", ["dm-1", "dm-2"]);
    await subscribe("kept", ["dm-1"]);
    const res = await api.call("DELETE", "/v1/topics/doomed");
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expectError(await api.call("GET", "/v1/topics/doomed"), 404, "not_found");
    expectError(await api.call("GET", "/v1/topics/doomed/subscribers"), 404, "not_found");
    expect((await api.call("GET", "/v1/topics?prefix=doomed")).body.data).toEqual([]);
    // The users stay, without the membership; their other topics are untouched.
    expect((await api.call("GET", "/v1/users/dm-2")).status).toBe(200);
    expect((await api.call("GET", "/v1/users/dm-1/topics")).body.data.map((t: any) => t.topic)).toEqual([
      "kept",
    ]);
    const [left] = await api.db.sql<{ n: number }[]>`
      select count(*)::int as n from topic_subscribers where topic_key = 'doomed'`;
    expect(left!.n).toBe(0);
    // New events to it are refused as for a topic never made; a subscription makes it afresh.
    const event = await api.call("POST", "/v1/events", {
      type: "weekly_promo",
      topic: "doomed",
      data: catalog.weekly_promo.example,
    });
    expectError(event, 404, "not_found");
    expectError(await api.call("DELETE", "/v1/topics/doomed"), 404, "not_found");
    await subscribe("doomed", ["dm-3"]);
    expect((await api.call("GET", "/v1/topics/doomed")).body.subscriberCount).toBe(1);
  });

  it("answers 404 for an unknown topic and 422 for a key no topic can have", async () => {
    expectError(await api.call("DELETE", "/v1/topics/never-made"), 404, "not_found");
    expectError(await api.call("DELETE", "/v1/topics/Not%20A%20Key"), 422, "validation_failed");
  });

  it("needs the users:write scope, and logs who deleted what", async () => {
    await subscribe("guarded", ["gd-1"]);
    const refused = await api.call("DELETE", "/v1/topics/guarded", undefined, as(keys.reader));
    expectError(refused, 403, "forbidden");
    expect(refused.body.error.message).toMatch(/"users:write"/);
    expect((await api.call("GET", "/v1/topics/guarded")).status).toBe(200);
    const { app, lines } = loggingApp<Record<string, unknown>>(api);
    const res = await app.request("/v1/topics/guarded", { method: "DELETE", headers: as(keys.writer) });
    expect(res.status).toBe(204);
    const line = lines.find((l) => l.msg === "topic deleted");
    expect(line).toMatchObject({ topic: "guarded", subscribers: 1, via: "api_key" });
    expect(line?.by).toMatch(/^key_/);
  });
});

describe("the dashboard's session", () => {
  beforeAll(() => createTestAccounts(api));

  it("lists topics for support and admin, and deletes one with the CSRF token", async () => {
    await subscribe("dash-news", ["ds-1", "ds-2"]);
    const support = await signInAs(api, TEST_SUPPORT);
    const listed = await browserCall(api, "GET", "/v1/topics?prefix=dash-", support);
    expect(listed.body.data).toMatchObject([{ key: "dash-news", subscriberCount: 2 }]);
    // A state-changing call without the token is refused, as everywhere.
    expectError(await browserCall(api, "DELETE", "/v1/topics/dash-news", support), 403, "forbidden");
    const deleted = await browserCall(api, "DELETE", "/v1/topics/dash-news", support, undefined, {
      "x-csrf-token": support.csrf,
    });
    expect(deleted.status).toBe(204);
    const admin = await signInAs(api, TEST_ADMIN);
    expect((await browserCall(api, "GET", "/v1/topics?prefix=dash-", admin)).body.data).toEqual([]);
  });
});
