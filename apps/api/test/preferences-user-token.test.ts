import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";
import { asUser, tokenOf } from "./user-token-fixtures.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  // The backend registers its user; the browser then manages that user's preferences.
  expect((await api.call("PUT", "/v1/users/ursula", { email: "ursula@example.com" })).status).toBe(200);
});
afterAll(() => api.close());

const prefsOf = (userId: string) => `/v1/users/${userId}/preferences`;

describe("a user's own preferences with their user token", () => {
  it("reads and updates them", async () => {
    const token = await tokenOf(api, "ursula");
    const before = await api.call("GET", prefsOf("ursula"), undefined, asUser(token));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ channels: {}, unsubscribedAll: false });
    const put = await api.call(
      "PUT",
      prefsOf("ursula"),
      { categories: { marketing: { enabled: false } }, quietHours: { start: "22:00", end: "07:00" } },
      asUser(token),
    );
    expect(put.status).toBe(200);
    const after = await api.call("GET", prefsOf("ursula"), undefined, asUser(token));
    expect(after.body).toMatchObject({
      categories: { marketing: { enabled: false } },
      quietHours: { start: "22:00", end: "07:00" },
    });
    // The backend sees the user's change: one document, whoever wrote it.
    expect((await api.call("GET", prefsOf("ursula"))).body).toEqual(after.body);
  });

  it("clears an override sent as null", async () => {
    await api.call("PUT", prefsOf("ursula"), { types: { weekly_promo: { channels: { email: false } } } });
    const token = await tokenOf(api, "ursula");
    const res = await api.call(
      "PUT",
      prefsOf("ursula"),
      { types: { weekly_promo: { channels: { email: null } } } },
      asUser(token),
    );
    expect(res.status).toBe(200);
    expect(res.body.types).not.toHaveProperty("weekly_promo");
    expect((await api.call("GET", prefsOf("ursula"))).body.types).not.toHaveProperty("weekly_promo");
  });

  it("keeps the body's validation (422) for user tokens too", async () => {
    const token = await tokenOf(api, "ursula");
    const res = await api.call(
      "PUT",
      prefsOf("ursula"),
      { categories: { security: { enabled: false } } },
      asUser(token),
    );
    expect(res.status).toBe(422);
  });

  it("refuses another user's token with 403 and changes nothing", async () => {
    await api.call("PUT", prefsOf("owner"), { channels: { sms: false } });
    const other = await tokenOf(api, "intruder");
    for (const [method, body] of [
      ["GET", undefined],
      ["PUT", { unsubscribedAll: true }],
    ] as const) {
      const res = await api.call(method, prefsOf("owner"), body, asUser(other));
      expect(res.status, method).toBe(403);
      expect(res.body.error).toMatchObject({
        code: "forbidden",
        message: expect.stringContaining("preferences"),
      });
      expect(res.body.error.requestId).toMatch(/^req_/);
    }
    expect((await api.call("GET", prefsOf("owner"))).body.unsubscribedAll).toBe(false);
  });

  it("opens no other route: the user, its token, the event API stay API-key only", async () => {
    const token = await tokenOf(api, "ursula");
    for (const [method, path, body] of [
      ["PUT", "/v1/users/ursula", { email: "mallory@example.com" }],
      ["GET", "/v1/users/ursula", undefined],
      ["DELETE", "/v1/users/ursula", undefined],
      ["GET", "/v1/users/ursula/token", undefined],
      ["POST", "/v1/users/ursula/devices", { kind: "fcm", token: "t" }],
      ["GET", "/v1/notifications?userId=ursula", undefined],
    ] as const) {
      const res = await api.call(method, path, body, asUser(token));
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    // Only the header: a token in the query string is not an API key either.
    const viaQuery = await api.call("GET", `${prefsOf("ursula")}?token=${token}`, undefined, {
      authorization: "",
    });
    expect(viaQuery.status).toBe(401);
  });

  it("answers the browser's CORS preflight, and the answers carry CORS headers", async () => {
    const preflight = await api.call("OPTIONS", prefsOf("ursula"), undefined, {
      authorization: "",
      origin: "https://app.example.com",
      "access-control-request-method": "PUT",
      "access-control-request-headers": "authorization,content-type",
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const got = await api.call("GET", prefsOf("ursula"), undefined, {
      ...asUser(await tokenOf(api, "ursula")),
      origin: "https://app.example.com",
    });
    expect(got.status).toBe(200);
    expect(got.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("leaves API keys working as before, scopes included", async () => {
    expect((await api.call("GET", prefsOf("ursula"))).status).toBe(200);
    const readOnly = await api.call("POST", "/v1/api-keys", { name: "reader", scopes: ["read"] });
    expect(readOnly.status).toBe(201);
    const put = await api.call(
      "PUT",
      prefsOf("ursula"),
      { channels: { sms: false } },
      { authorization: `Bearer ${readOnly.body.key}` },
    );
    expect(put.status).toBe(403);
  });

  it("declares the UserToken scheme on the preferences operations only (and the inbox)", async () => {
    const doc = (await api.call("GET", "/openapi.json")).body;
    const prefs = doc.paths["/v1/users/{userId}/preferences"];
    for (const op of [prefs.get, prefs.put]) {
      expect(op.security).toEqual(expect.arrayContaining([{ UserToken: [] }, { ApiKey: [] }]));
    }
    const withToken = Object.entries(doc.paths).flatMap(([path, item]: [string, any]) =>
      Object.entries(item)
        .filter(([, op]: [string, any]) => op.security?.some((s: object) => "UserToken" in s))
        .map(([method]) => `${method} ${path}`),
    );
    expect(withToken.filter((p) => !p.includes("/inbox")).sort()).toEqual([
      "get /v1/users/{userId}/preferences",
      "put /v1/users/{userId}/preferences",
    ]);
  });
});
