import { type InboxEvent, latestInboxEventId, readInboxEventsAfter } from "@herald/inbox-bus";
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

/**
 * What the user's streams are told: the events published to the recipient's
 * log (what every stream relays and a reconnecting one replays) since `from`.
 */
async function publishedSince(recipientId: string, from: string): Promise<InboxEvent[]> {
  const { messages } = await readInboxEventsAfter(api.deps.redis, prefix(), recipientId, from);
  return messages.map(({ sid: _, ...event }) => event as InboxEvent);
}
const position = (recipientId: string) => latestInboxEventId(api.deps.redis, prefix(), recipientId);

const seen = (userId: string, body: unknown, headers?: Record<string, string>) =>
  api.call("POST", `/v1/users/${userId}/inbox/seen`, body, headers);
const sorted = (ids: string[]) => [...ids].sort();

describe("POST /v1/users/:userId/inbox/seen", () => {
  it("marks the caller's unseen items among the ids seen, and says which; one `seen` event, none when nothing changed", async () => {
    const token = await tokenOf(api, "bulk-seer");
    const [a, b, c, d] = [
      await deliver("bulk-seer", "A"),
      await deliver("bulk-seer", "B"),
      await deliver("bulk-seer", "C"),
      await deliver("bulk-seer", "D"),
    ];
    const theirs = await deliver("bulk-other", "Theirs");
    await api.call("POST", `/v1/users/bulk-seer/inbox/${d!.id}/seen`, undefined, asUser(token));
    const from = await position(a!.recipientId);

    // Another user's item, one seen already and an id nobody has are left out, and not counted.
    const res = await seen(
      "bulk-seer",
      { ids: [a!.id, b!.id, d!.id, theirs.id, "ntf_00000000000000000000000000", a!.id] },
      asUser(token),
    );
    expect(res.status).toBe(200);
    expect({ ...res.body, ids: sorted(res.body.ids) }).toEqual({
      updated: 2,
      ids: sorted([a!.id, b!.id]),
      counts: { unread: 4, unseen: 1, total: 4 },
    });
    const feed = await api.call("GET", "/v1/users/bulk-seer/inbox", undefined, asUser(token));
    expect(feed.body.data.filter((i: { seen: boolean }) => !i.seen).map((i: { id: string }) => i.id)).toEqual(
      [c!.id],
    );
    // Seen is not read: statuses stay.
    expect(feed.body.data.every((i: { status: string }) => i.status !== "READ")).toBe(true);
    const other = await api.call("GET", "/v1/users/bulk-other/inbox");
    expect(other.body.data[0]).toMatchObject({ id: theirs.id, seen: false });
    expect(other.body.counts.unseen).toBe(1);

    const events = await publishedSince(a!.recipientId, from);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe("seen");
    expect(sorted((events[0] as { ids: string[] }).ids)).toEqual(sorted([a!.id, b!.id]));

    // Again: nothing changes, nothing is announced.
    const after = await position(a!.recipientId);
    const again = await seen("bulk-seer", { ids: [a!.id, b!.id] }, asUser(token));
    expect(again.body).toEqual({ updated: 0, ids: [], counts: { unread: 4, unseen: 1, total: 4 } });
    expect(await publishedSince(a!.recipientId, after)).toEqual([]);
    expect(await publishedSince(theirs.recipientId, "0-0")).toEqual([
      { type: "notification", id: theirs.id },
    ]);
  });

  it("marks an archived item among the ids seen too, as the per-item route does; the counts leave it out", async () => {
    // The ids are what the user was shown: the feed before another tab archived the item, or the archived view.
    const token = await tokenOf(api, "archived-seer");
    const [a, b] = [await deliver("archived-seer", "A"), await deliver("archived-seer", "B")];
    await api.call("POST", `/v1/users/archived-seer/inbox/${b!.id}/archive`, undefined, asUser(token));
    const res = await seen("archived-seer", { ids: [a!.id, b!.id] }, asUser(token));
    expect({ ...res.body, ids: sorted(res.body.ids) }).toEqual({
      updated: 2,
      ids: sorted([a!.id, b!.id]),
      counts: { unread: 1, unseen: 0, total: 1 },
    });
    const archived = await api.call(
      "GET",
      "/v1/users/archived-seer/inbox?archived=true",
      undefined,
      asUser(token),
    );
    expect(archived.body.data[0]).toMatchObject({ id: b!.id, seen: true });
  });

  it("takes 1 to 100 ids of the per-item route's shape: otherwise 422 naming the field, and nothing changes", async () => {
    const n = await deliver("bulk-limits", "Limits");
    const hundred = Array.from({ length: 100 }, (_, i) => (i === 0 ? n.id : `ntf_${i}`));
    const cases: [unknown, string][] = [
      [{ ids: [] }, "ids"],
      [{ ids: [...hundred, "ntf_101"] }, "ids"],
      [{ ids: [n.id, "x".repeat(65)] }, "ids.1"],
      [{ ids: [""] }, "ids.0"],
      [{ ids: [n.id, 42] }, "ids.1"],
      [{ ids: n.id }, "ids"],
      [{}, "ids"],
    ];
    for (const [body, path] of cases) {
      const res = await seen("bulk-limits", body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.body.error).toMatchObject({
        code: "validation_failed",
        message: expect.stringMatching(new RegExp(`^${path.replace(".", "\\.")}: `)),
        requestId: expect.stringMatching(/^req_/),
        details: [{ path, message: expect.any(String) }],
      });
    }
    expect((await api.call("GET", "/v1/users/bulk-limits/inbox")).body.counts.unseen).toBe(1);
    // 100 is within the limit.
    const full = await seen("bulk-limits", { ids: hundred });
    expect(full.body).toMatchObject({ updated: 1, ids: [n.id] });
  });

  it("opens to the user's token and to API keys with users:write, like the per-item routes", async () => {
    const n = await deliver("bulk-owner", "Mine");
    const intruder = await tokenOf(api, "bulk-intruder");
    const owner = await tokenOf(api, "bulk-owner");
    const reader = (await api.call("POST", "/v1/api-keys", { name: "reader", scopes: ["read"] })).body.key;
    const perItem = await api.call(
      "POST",
      `/v1/users/bulk-owner/inbox/${n.id}/seen`,
      undefined,
      asUser(intruder),
    );
    expect(perItem.status).toBe(403);
    for (const [path, body] of [
      ["/v1/users/bulk-owner/inbox/seen", { ids: [n.id] }],
      ["/v1/users/bulk-owner/inbox/seen-all", undefined],
    ] as const) {
      const refused = await api.call("POST", path, body, asUser(intruder));
      expect(refused.status, path).toBe(403);
      expect(refused.body.error).toMatchObject({
        code: perItem.body.error.code,
        message: perItem.body.error.message,
      });
      const readOnly = await api.call("POST", path, body, { authorization: `Bearer ${reader}` });
      expect(readOnly.status, path).toBe(403);
      // Changes take the token in the header only, as the others do.
      const inQuery = await api.call("POST", `${path}?token=${owner}`, body, { authorization: "" });
      expect(inQuery.status, path).toBe(401);
    }
    expect((await api.call("GET", "/v1/users/bulk-owner/inbox")).body.counts.unseen).toBe(1);
    expect((await seen("bulk-owner", { ids: [n.id] })).body.updated).toBe(1);
  });

  it("answers an unknown or erased user with nothing changed, and creates no one", async () => {
    const res = await seen("bulk-nobody", { ids: ["ntf_01jd8q3k5m6n7p8q9r0s1t2v3w"] });
    expect(res.body).toEqual({ updated: 0, ids: [], counts: { unread: 0, unseen: 0, total: 0 } });
    const all = await api.call("POST", "/v1/users/bulk-nobody/inbox/seen-all");
    expect(all.body).toEqual({ updated: 0, counts: { unread: 0, unseen: 0, total: 0 } });
    expect((await api.call("GET", "/v1/users/bulk-nobody")).status).toBe(404);

    const n = await deliver("bulk-erased", "Gone");
    expect((await api.call("DELETE", "/v1/users/bulk-erased")).status).toBe(204);
    expect((await seen("bulk-erased", { ids: [n.id] })).body).toEqual({
      updated: 0,
      ids: [],
      counts: { unread: 0, unseen: 0, total: 0 },
    });
  });
});

describe("POST /v1/users/:userId/inbox/seen-all", () => {
  it("marks every unseen item seen, archived ones aside; one `seen_all` event, none when nothing changed", async () => {
    const token = await tokenOf(api, "all-seer");
    const [a, , , d] = [
      await deliver("all-seer", "A"),
      await deliver("all-seer", "B"),
      await deliver("all-seer", "C"),
      await deliver("all-seer", "D"),
    ];
    await api.call("POST", `/v1/users/all-seer/inbox/${a!.id}/seen`, undefined, asUser(token));
    await api.call("POST", `/v1/users/all-seer/inbox/${d!.id}/archive`, undefined, asUser(token));
    const from = await position(a!.recipientId);

    const res = await api.call("POST", "/v1/users/all-seer/inbox/seen-all", undefined, asUser(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ updated: 2, counts: { unread: 3, unseen: 0, total: 3 } });
    expect(await publishedSince(a!.recipientId, from)).toEqual([{ type: "seen_all" }]);
    const archived = await api.call(
      "GET",
      "/v1/users/all-seer/inbox?archived=true",
      undefined,
      asUser(token),
    );
    expect(archived.body.data[0]).toMatchObject({ id: d!.id, seen: false });

    const after = await position(a!.recipientId);
    const again = await api.call("POST", "/v1/users/all-seer/inbox/seen-all", undefined, asUser(token));
    expect(again.body).toEqual({ updated: 0, counts: { unread: 3, unseen: 0, total: 3 } });
    expect(await publishedSince(a!.recipientId, after)).toEqual([]);
  });

  it("is described in the OpenAPI document beside the per-item routes", async () => {
    const doc = (await api.call("GET", "/openapi.json")).body;
    const many = doc.paths["/v1/users/{userId}/inbox/seen"].post;
    expect(many.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/InboxSeenRequest",
    );
    expect(doc.components.schemas.InboxSeenRequest.properties.ids).toMatchObject({
      minItems: 1,
      maxItems: 100,
    });
    expect(doc.paths["/v1/users/{userId}/inbox/seen-all"].post.summary).toBe("Mark every unseen item seen");
    expect(doc.paths["/v1/users/{userId}/inbox/stream"].get.description).toContain("`seen_all`");
  });
});
