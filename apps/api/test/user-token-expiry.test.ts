import { createHmac, randomBytes } from "node:crypto";
import { revokeUserTokens } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApiEnv } from "../src/env.ts";
import { createTestApi, type TestApi } from "./test-api.ts";
import { asUser, tokenOf } from "./user-token-fixtures.ts";

const secret = randomBytes(32).toString("hex");
/** An expiring token signed by hand, as documented: the times are milliseconds since 1970. */
const signed = (userId: string, issued: number, expires: number) =>
  `v2.${issued}.${expires}.${createHmac("sha256", secret).update(`v2\n${issued}\n${expires}\n${userId}`).digest("hex")}`;

const inbox = (userId: string) => `/v1/users/${userId}/inbox`;
const prefs = (userId: string) => `/v1/users/${userId}/preferences`;

async function expiringToken(api: TestApi, userId: string, expiresIn: string) {
  const res = await api.call("GET", `/v1/users/${userId}/token?expiresIn=${expiresIn}`);
  expect(res.status).toBe(200);
  return res.body as { userId: string; token: string; expiresAt: string | null };
}

function expectRefused(res: { status: number; body: any }, why: RegExp) {
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe("unauthorized");
  expect(res.body.error.message).toMatch(why);
  expect(res.body.error.requestId).toEqual(expect.any(String));
}

describe("expiring user tokens", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ USER_TOKEN_SECRET: secret });
  });
  afterAll(() => api.close());

  it("are issued on request, open the user's inbox and preferences, and say when they expire", async () => {
    const before = Date.now();
    const t = await expiringToken(api, "eve", "1h");
    expect(t.token).toMatch(/^v2\.\d{13}\.\d{13}\.[0-9a-f]{64}$/);
    const expiresAt = Date.parse(t.expiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect((await api.call("GET", inbox("eve"), undefined, asUser(t.token))).status).toBe(200);
    expect(
      (await api.call("GET", `${inbox("eve")}?token=${t.token}`, undefined, { authorization: "" })).status,
    ).toBe(200);
    expect((await api.call("PUT", prefs("eve"), { channels: { sms: false } }, asUser(t.token))).status).toBe(
      200,
    );
    // The plain token still comes without expiresIn, and says it never expires.
    const plain = await api.call("GET", "/v1/users/eve/token");
    expect(plain.body).toEqual({ userId: "eve", token: await tokenOf(api, "eve"), expiresAt: null });
  });

  it("answer 401 once expired, and 403 when altered or another user's", async () => {
    const now = Date.now();
    expectRefused(
      await api.call("GET", inbox("eve"), undefined, asUser(signed("eve", now - 7_200_000, now - 1000))),
      /^This user token has expired: get a new one from your backend/,
    );
    // A later expiry written into a genuine token breaks its signature.
    const genuine = (await expiringToken(api, "eve", "1m")).token;
    const [, issued, , mac] = genuine.split(".");
    const stretched = `v2.${issued}.${Number(issued) + 86_400_000}.${mac}`;
    expect((await api.call("GET", inbox("eve"), undefined, asUser(stretched))).status).toBe(403);
    const other = (await expiringToken(api, "mallory", "1h")).token;
    expect((await api.call("GET", prefs("eve"), undefined, asUser(other))).status).toBe(403);
  });

  it("end an open inbox stream when they expire, saying so; the reconnect gets 401", async () => {
    const issued = Date.now();
    const token = signed("stream-sam", issued, issued + 1500);
    const url = `/v1/users/stream-sam/inbox/stream?token=${token}`;
    const res = await api.app.request(url);
    expect(res.status).toBe(200);
    const text = await res.text(); // returns once the server ends the stream
    const ended = Date.now();
    expect(text).toContain("event: ready");
    expect(text.trimEnd().endsWith("event: token_expired\ndata: {}")).toBe(true);
    expect(ended).toBeGreaterThanOrEqual(issued + 1500);
    expect(ended).toBeLessThan(issued + 10_000);
    expectRefused(await api.call("GET", url, undefined, { authorization: "" }), /has expired/);
  });

  it("refuses lifetimes outside 1 minute to 30 days, and what is not a duration", async () => {
    for (const bad of ["30s", "31d", "soon", "-1h"]) {
      const res = await api.call("GET", `/v1/users/eve/token?expiresIn=${bad}`);
      expect(res.status, bad).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const tooLong = await api.call("GET", "/v1/users/eve/token?expiresIn=31d");
    expect(tooLong.body.error.details).toEqual([
      { path: "expiresIn", message: "must be between 1m and 30d" },
    ]);
  });

  it("a revocation refuses the plain token and those issued before it, not those issued after", async () => {
    const plain = await tokenOf(api, "rex");
    const early = (await expiringToken(api, "rex", "1h")).token;
    expect((await api.call("GET", inbox("rex"), undefined, asUser(plain))).status).toBe(200);
    const revoked = await api.call("POST", "/v1/users/rex/token/revoke");
    expect(revoked.status).toBe(200);
    expect(Date.parse(revoked.body.revokedBefore)).toBeLessThanOrEqual(Date.now());
    for (const token of [plain, early]) {
      expectRefused(
        await api.call("GET", inbox("rex"), undefined, asUser(token)),
        /^This user token was revoked: get a new one/,
      );
      expectRefused(
        await api.call("PUT", prefs("rex"), { unsubscribedAll: true }, asUser(token)),
        /was revoked/,
      );
    }
    const fresh = (await expiringToken(api, "rex", "1h")).token;
    expect((await api.call("GET", inbox("rex"), undefined, asUser(fresh))).status).toBe(200);
    // Asked without expiresIn, the route no longer hands out the refused plain token: one living a day.
    const byDefault = await api.call("GET", "/v1/users/rex/token");
    expect(byDefault.body.token).toMatch(/^v2\./);
    expect(Date.parse(byDefault.body.expiresAt) - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
    expect(Date.parse(byDefault.body.expiresAt) - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect((await api.call("GET", inbox("rex"), undefined, asUser(byDefault.body.token))).status).toBe(200);
    // Nothing the refused calls asked for was written.
    expect((await api.call("GET", prefs("rex"))).body.unsubscribedAll).toBe(false);
    // Needs an API key with users:write, not the user's own token.
    expect((await api.call("POST", "/v1/users/rex/token/revoke", undefined, asUser(fresh))).status).toBe(401);
  });

  it("a token issued in the revocation's millisecond is refused, and one the route issues then is not", async () => {
    const revoked = await api.call("POST", "/v1/users/milli/token/revoke");
    const at = Date.parse(revoked.body.revokedBefore);
    // The revocation cannot tell which came first within its millisecond, so it refuses the token.
    expectRefused(
      await api.call("GET", inbox("milli"), undefined, asUser(signed("milli", at, at + 3_600_000))),
      /was revoked/,
    );
    expect(
      (await api.call("GET", inbox("milli"), undefined, asUser(signed("milli", at + 1, at + 3_600_000))))
        .status,
    ).toBe(200);
    // A revocation recorded in the millisecond the route is about to issue in (here, later still):
    // the token is issued after it rather than refused on its first use.
    await revokeUserTokens(api.deps.db, "milli", new Date(Date.now() + 5000));
    const t = await expiringToken(api, "milli", "1h");
    expect((await api.call("GET", inbox("milli"), undefined, asUser(t.token))).status).toBe(200);
  });

  it("an erased user's token does not open the inbox of the id's next owner", async () => {
    expect((await api.call("PUT", "/v1/users/reused", { email: "first@example.com" })).status).toBe(200);
    const firstOwners = [await tokenOf(api, "reused"), (await expiringToken(api, "reused", "1h")).token];
    expect((await api.call("DELETE", "/v1/users/reused")).status).toBe(204);
    expect((await api.call("PUT", "/v1/users/reused", { email: "second@example.com" })).status).toBe(200);
    for (const token of firstOwners) {
      expectRefused(await api.call("GET", inbox("reused"), undefined, asUser(token)), /was revoked/);
      expectRefused(await api.call("GET", prefs("reused"), undefined, asUser(token)), /was revoked/);
    }
    const secondOwner = (await expiringToken(api, "reused", "1h")).token;
    expect((await api.call("GET", inbox("reused"), undefined, asUser(secondOwner))).status).toBe(200);
  });
});

describe("USER_TOKEN_MAX_AGE", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ USER_TOKEN_SECRET: secret, USER_TOKEN_MAX_AGE: "2h" });
  });
  afterAll(() => api.close());

  it("issues expiring tokens by default and refuses plain ones and longer lives", async () => {
    const t = await api.call("GET", "/v1/users/max/token");
    expect(t.body.token).toMatch(/^v2\./);
    expect(Date.parse(t.body.expiresAt)).toBeGreaterThan(Date.now() + 7_100_000);
    expect((await api.call("GET", inbox("max"), undefined, asUser(t.body.token))).status).toBe(200);
    const tooLong = await api.call("GET", "/v1/users/max/token?expiresIn=3h");
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.details).toEqual([{ path: "expiresIn", message: "must be between 1m and 2h" }]);

    const plain = createHmac("sha256", secret).update("max").digest("hex");
    expectRefused(
      await api.call("GET", inbox("max"), undefined, asUser(plain)),
      /^This server accepts only expiring user tokens/,
    );
    const now = Date.now();
    expectRefused(
      await api.call("GET", inbox("max"), undefined, asUser(signed("max", now, now + 3 * 3_600_000))),
      /has expired/,
    );
  });

  it("must be a duration of a minute or more", () => {
    const env = { DATABASE_URL: "postgres://x/y", REDIS_URL: "redis://x" };
    expect(() => loadApiEnv({ ...env, USER_TOKEN_MAX_AGE: "30s" })).toThrow(
      /USER_TOKEN_MAX_AGE.*at least 1m/s,
    );
    expect(() => loadApiEnv({ ...env, USER_TOKEN_MAX_AGE: "a while" })).toThrow(/USER_TOKEN_MAX_AGE/);
    expect(loadApiEnv({ ...env, USER_TOKEN_MAX_AGE: "7d" }).USER_TOKEN_MAX_AGE).toBe(7 * 86_400_000);
  });
});
