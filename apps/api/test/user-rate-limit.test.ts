import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";
import { asUser, tokenOf } from "./user-token-fixtures.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ USER_RATE_LIMIT: "3/1m", INBOX_STREAMS_PER_USER: "2" });
});
afterAll(() => api.close());

const inbox = (userId: string) => `/v1/users/${userId}/inbox`;

describe("USER_RATE_LIMIT", () => {
  it("gives each user one budget over all their tokens and routes, apart from API keys and other users", async () => {
    for (const user of ["busy", "calm"])
      expect((await api.call("PUT", `/v1/users/${user}`, {})).status).toBe(200);
    const plain = await tokenOf(api, "busy");
    const expiring = (await api.call("GET", "/v1/users/busy/token?expiresIn=1h")).body.token as string;
    const first = await api.call("GET", inbox("busy"), undefined, asUser(plain));
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("3");
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    // Preferences count in the same budget, and so does the user's other token.
    expect((await api.call("GET", "/v1/users/busy/preferences", undefined, asUser(expiring))).status).toBe(
      200,
    );
    const last = await api.call("GET", `${inbox("busy")}?limit=1`, undefined, asUser(expiring));
    expect(last.status).toBe(200);
    expect(last.headers.get("ratelimit-remaining")).toBe("0");

    const over = await api.call("GET", inbox("busy"), undefined, asUser(plain));
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("rate_limited");
    expect(over.body.error.message).toMatch(
      /^Rate limit of 3 requests per 60 s exceeded for this user; retry in/,
    );
    expect(over.body.error.requestId).toEqual(expect.any(String));
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    const stream = await api.call("GET", `${inbox("busy")}/stream?token=${plain}`, undefined, {
      authorization: "",
    });
    expect(stream.status).toBe(429);
    // Nothing the refused calls asked for was done.
    expect(
      (await api.call("PUT", "/v1/users/busy/preferences", { unsubscribedAll: true }, asUser(plain))).status,
    ).toBe(429);
    expect((await api.call("GET", "/v1/users/busy/preferences")).body.unsubscribedAll).toBe(false);

    // The app's own calls about this user, and other users, have budgets of their own.
    const byKey = await api.call("GET", inbox("busy"));
    expect(byKey.status).toBe(200);
    expect(byKey.headers.get("ratelimit-limit")).toBe("60000");
    const other = await tokenOf(api, "calm");
    expect((await api.call("GET", inbox("calm"), undefined, asUser(other))).status).toBe(200);
  });

  it("counts an API key's inbox calls once each in the key's budget", async () => {
    expect((await api.call("PUT", "/v1/users/anyone", {})).status).toBe(200);
    const created = await api.call("POST", "/v1/api-keys", {
      name: "inbox-reader",
      scopes: ["read"],
      rateLimit: 2,
    });
    expect(created.status).toBe(201);
    const key = { authorization: `Bearer ${created.body.key}` };
    const first = await api.call("GET", inbox("anyone"), undefined, key);
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-remaining")).toBe("1");
    expect((await api.call("GET", `${inbox("anyone")}?limit=1`, undefined, key)).status).toBe(200);
    const over = await api.call("GET", inbox("anyone"), undefined, key);
    expect(over.status).toBe(429);
    expect(over.body.error.message).toMatch(/exceeded for this API key/);
  });
});

describe("INBOX_STREAMS_PER_USER", () => {
  let streams: TestApi;
  beforeAll(async () => {
    streams = await createTestApi({ INBOX_STREAMS_PER_USER: "2" });
  });
  afterAll(() => streams.close());

  /** An open stream on the in-process app, read as a browser tab reads it, and how the tab goes away. */
  async function openStream(path: string, headers: Record<string, string> = {}) {
    const res = await streams.app.request(path, { headers });
    const reader = res.status === 200 ? res.body?.getReader() : undefined;
    if (reader) expect(new TextDecoder().decode((await reader.read()).value)).toContain("event: ready");
    return { res, close: () => reader?.cancel() };
  }

  it("refuses a user's stream past the limit until one closes; API keys' streams are not counted", async () => {
    const token = await tokenOf(streams, "tabs");
    const path = `${inbox("tabs")}/stream?token=${token}`;
    const a = await openStream(path);
    const b = await openStream(path);
    expect([a.res.status, b.res.status]).toEqual([200, 200]);
    const third = await streams.call("GET", path, undefined, { authorization: "" });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe("rate_limited");
    expect(third.body.error.message).toMatch(/^This user already has 2 inbox streams open on this server/);
    expect(third.headers.get("retry-after")).toBe("30");
    const byKey = await openStream(`${inbox("tabs")}/stream`, { authorization: `Bearer ${streams.apiKey}` });
    expect(byKey.res.status).toBe(200);
    // Another user's streams are theirs.
    const other = await openStream(
      `${inbox("other-tabs")}/stream?token=${await tokenOf(streams, "other-tabs")}`,
    );
    expect(other.res.status).toBe(200);

    // A closed tab's slot is free again once the server has seen it go.
    a.close();
    const deadline = Date.now() + 5000;
    let reopened = await openStream(path);
    while (reopened.res.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      reopened = await openStream(path);
    }
    expect(reopened.res.status).toBe(200);
    for (const s of [reopened, b, byKey, other]) s.close();
  });
});
