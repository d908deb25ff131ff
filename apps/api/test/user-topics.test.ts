import { createDashboardUser } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserCall, signInAs } from "./dashboard-session.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const SUPPORT = { email: "sam.support@example.com", password: "support-password-123" };
const as = (key: string) => ({ authorization: `Bearer ${key}` });

/** A 4xx answer in SPEC's error shape. */
function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
  expect(typeof res.body.error.message).toBe("string");
}

async function subscribe(topic: string, ...userIds: string[]) {
  const res = await api.call("POST", `/v1/topics/${topic}/subscribers`, { subscribers: userIds });
  expect(res.status).toBe(200);
}

/** Every page of a user's topics, `limit` at a time. */
async function allPages(userId: string, limit: number): Promise<{ topics: string[]; pages: number }> {
  const topics: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = cursor ? `&cursor=${cursor}` : "";
    const res = await api.call("GET", `/v1/users/${userId}/topics?limit=${limit}${q}`);
    expect(res.status).toBe(200);
    topics.push(...res.body.data.map((d: { topic: string }) => d.topic));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return { topics, pages };
}

describe("GET /v1/users/{userId}/topics", () => {
  it("lists the topics a user is subscribed to, newest first, and no one else's", async () => {
    await subscribe("alpha", "ut-ada", "ut-bob");
    await subscribe("beta", "ut-bob");
    await subscribe("gamma", "ut-ada");
    const res = await api.call("GET", "/v1/users/ut-ada/topics");
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { topic: string }) => d.topic)).toEqual(["gamma", "alpha"]);
    expect(res.body.nextCursor).toBeNull();
    for (const d of res.body.data) expect(Date.parse(d.subscribedAt)).not.toBeNaN();
    expect(Date.parse(res.body.data[0].subscribedAt)).toBeGreaterThanOrEqual(
      Date.parse(res.body.data[1].subscribedAt),
    );
    // A topic left is no longer listed.
    await api.call("DELETE", "/v1/topics/gamma/subscribers", { userIds: ["ut-ada"] });
    expect((await api.call("GET", "/v1/users/ut-ada/topics")).body.data).toEqual([
      { topic: "alpha", subscribedAt: res.body.data[1].subscribedAt },
    ]);
  });

  it("answers an empty page for a user on no topic", async () => {
    expect((await api.call("PUT", "/v1/users/ut-loner", { email: "loner@example.com" })).status).toBe(200);
    expect(await api.call("GET", "/v1/users/ut-loner/topics")).toMatchObject({
      status: 200,
      body: { data: [], nextCursor: null },
    });
  });

  it("pages with a cursor, newest first, neither repeating nor skipping a topic", async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `paged-${String(i).padStart(2, "0")}`);
    for (const key of keys) await subscribe(key, "ut-many");
    const { topics, pages } = await allPages("ut-many", 10);
    expect(pages).toBe(3);
    expect(topics).toEqual([...keys].reverse());
  });

  it("keeps its place when the cursor's own topic is left between pages", async () => {
    for (const key of ["left-a", "left-b", "left-c", "left-d"]) await subscribe(key, "ut-leaver");
    const first = await api.call("GET", "/v1/users/ut-leaver/topics?limit=2");
    expect(first.body.data.map((d: { topic: string }) => d.topic)).toEqual(["left-d", "left-c"]);
    await api.call("DELETE", "/v1/topics/left-c/subscribers", { userIds: ["ut-leaver"] });
    const next = await api.call("GET", `/v1/users/ut-leaver/topics?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ data: [{ topic: "left-b" }, { topic: "left-a" }], nextCursor: null });
  });

  it("pages exactly through subscriptions microseconds apart or at the same instant", async () => {
    const keys = ["tie-a", "tie-b", "tie-c", "tie-d", "tie-e"];
    for (const key of keys) await subscribe(key, "ut-ties");
    // Same millisecond, as a Date would see them: only the microseconds (or the key) tell them apart.
    await api.db.sql`
      update topic_subscribers s set created_at = case s.topic_key
        when 'tie-a' then timestamptz '2026-01-05 10:00:00.123100Z'
        when 'tie-b' then timestamptz '2026-01-05 10:00:00.123300Z'
        when 'tie-c' then timestamptz '2026-01-05 10:00:00.123200Z'
        else timestamptz '2026-01-05 10:00:00.123400Z' end
      from recipients r
      where r.id = s.recipient_id and r.external_id = 'ut-ties'`;
    const { topics } = await allPages("ut-ties", 1);
    expect(topics).toEqual(["tie-e", "tie-d", "tie-b", "tie-c", "tie-a"]);
  });

  it("refuses a cursor that is not one of its own with 400, and a bad limit with 422", async () => {
    await subscribe("cursor-check", "ut-cursor");
    for (const cursor of ["nope", Buffer.from("usr_01jd8q3k5m6n7p8q9r0s1t2v3w").toString("base64url")]) {
      expectError(
        await api.call("GET", `/v1/users/ut-cursor/topics?cursor=${cursor}`),
        400,
        "malformed_request",
      );
    }
    const nul = Buffer.from("1:cursor\u0000check").toString("base64url");
    expectError(await api.call("GET", `/v1/users/ut-cursor/topics?cursor=${nul}`), 400, "malformed_request");
    expectError(await api.call("GET", "/v1/users/ut-cursor/topics?limit=0"), 422, "validation_failed");
    expectError(await api.call("GET", "/v1/users/ut-cursor/topics?limit=201"), 422, "validation_failed");
  });

  it("answers 404 for an unknown user and for an erased one, like GET /v1/users/{userId}", async () => {
    const unknown = await api.call("GET", "/v1/users/ut-nobody/topics");
    expectError(unknown, 404, "not_found");
    expect(unknown.body.error.message).toBe(
      (await api.call("GET", "/v1/users/ut-nobody")).body.error.message,
    );
    await subscribe("erasing", "ut-erased");
    expect((await api.call("DELETE", "/v1/users/ut-erased")).status).toBe(204);
    expectError(await api.call("GET", "/v1/users/ut-erased/topics"), 404, "not_found");
  });

  it("needs the read scope: 401 without a key, 403 with a key that lacks it", async () => {
    await subscribe("scoped", "ut-scoped");
    expectError(
      await api.call("GET", "/v1/users/ut-scoped/topics", undefined, { authorization: "" }),
      401,
      "unauthorized",
    );
    const newKey = async (scopes: string[]) =>
      (await api.call("POST", "/v1/api-keys", { name: scopes.join("+"), scopes })).body.key as string;
    const writer = await newKey(["events:write", "users:write"]);
    expectError(await api.call("GET", "/v1/users/ut-scoped/topics", undefined, as(writer)), 403, "forbidden");
    const reader = await newKey(["read"]);
    const read = await api.call("GET", "/v1/users/ut-scoped/topics", undefined, as(reader));
    expect(read.body.data.map((d: { topic: string }) => d.topic)).toEqual(["scoped"]);
  });

  it("lets the dashboard's support role read a user's topics and take them off one", async () => {
    await createDashboardUser(api.deps.db, { ...SUPPORT, role: "support" });
    await subscribe("support-a", "ut-helped");
    await subscribe("support-b", "ut-helped");
    const support = await signInAs(api, SUPPORT);
    const listed = await browserCall(api, "GET", "/v1/users/ut-helped/topics", support);
    expect(listed.body.data.map((d: { topic: string }) => d.topic)).toEqual(["support-b", "support-a"]);
    const left = await browserCall(
      api,
      "DELETE",
      "/v1/topics/support-b/subscribers",
      support,
      { userIds: ["ut-helped"] },
      { "x-csrf-token": support.csrf },
    );
    expect(left).toMatchObject({ status: 200, body: { removed: 1 } });
    const after = await browserCall(api, "GET", "/v1/users/ut-helped/topics", support);
    expect(after.body.data.map((d: { topic: string }) => d.topic)).toEqual(["support-a"]);
  });
});
