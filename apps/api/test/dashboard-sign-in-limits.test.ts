import { createDashboardUser } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserCall } from "./dashboard-session.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

// Behind one trusted proxy, so each test signs in from an address of its own.
let api: TestApi;
// The same, without TRUST_PROXY and with a small per-address budget.
let direct: TestApi;
beforeAll(async () => {
  [api, direct] = await Promise.all([
    createTestApi({ TRUST_PROXY: "1", DASHBOARD_SIGN_IN_RATE_LIMIT: "5/1m" }),
    createTestApi({ DASHBOARD_SIGN_IN_RATE_LIMIT: "3/1m" }),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.close(), direct?.close()]);
});

let user = 0;
/** A dashboard account of its own for one test. */
async function account(on = api) {
  const who = { email: `user-${++user}@example.com`, password: `right-password-${user}` };
  await createDashboardUser(on.deps.db, { ...who, role: "support" });
  return who;
}

const signIn = (body: { email: string; password: string }, from: string, on = api) =>
  browserCall(on, "POST", "/v1/dashboard/session", null, body, {
    "x-forwarded-for": `198.51.100.9, ${from}`,
  });

const failuresKey = (email: string) => `${api.deps.env.QUEUE_PREFIX}:dashboard:login-failures:${email}`;

describe("dashboard sign-in lock-out of one e-mail", () => {
  it("checks at most 10 of 30 concurrent wrong guesses; the rest are 429 with Retry-After, before any check", async () => {
    const who = await account();
    // Each from an address of its own: the e-mail's lock-out alone is under test.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        signIn({ email: who.email, password: `guess-${i}-xxxxxxxx` }, `203.0.113.${i + 1}`),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 429).length).toBe(30);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error).toMatchObject({ code: "rate_limited" });
    expect(refused.body.error.requestId).toMatch(/^req_/);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  // Each failure from an address of its own, so the per-address budget stays out of the way.
  it("refuses the right password while locked out, and lets it in once the window ends", async () => {
    const who = await account();
    for (let i = 0; i < 10; i++) {
      expect(
        (await signIn({ email: who.email, password: `guess-${i}-xxxxxxxx` }, `198.18.2.${i}`)).status,
      ).toBe(401);
    }
    const locked = await signIn(who, "203.0.113.51");
    expect(locked.status).toBe(429);
    expect(locked.headers.getSetCookie()).toEqual([]);
    // The window's end, brought forward.
    await api.deps.redis.pexpire(failuresKey(who.email), 1);
    await new Promise((r) => setTimeout(r, 20));
    expect((await signIn(who, "203.0.113.51")).status).toBe(200);
  });

  it("a successful sign-in neither resets the failures nor counts as one", async () => {
    const who = await account();
    for (let i = 0; i < 9; i++) {
      expect(
        (await signIn({ email: who.email, password: `guess-${i}-xxxxxxxx` }, `198.18.3.${i}`)).status,
      ).toBe(401);
    }
    expect((await signIn(who, "203.0.113.61")).status).toBe(200);
    expect((await signIn(who, "203.0.113.61")).status).toBe(200);
    expect((await signIn({ ...who, password: "guess-9-xxxxxxxx" }, "203.0.113.60")).status).toBe(401);
    expect((await signIn(who, "203.0.113.61")).status).toBe(429);
  });
});

describe("dashboard sign-in budget per client address", () => {
  it("refuses an address past DASHBOARD_SIGN_IN_RATE_LIMIT, whatever e-mail it tries; other addresses go on", async () => {
    const who = await account();
    for (let i = 0; i < 5; i++) {
      const wrong = await signIn(
        { email: `nobody-${i}@example.com`, password: "guess-xxxxxxxxxx" },
        "203.0.113.70",
      );
      expect(wrong.status).toBe(401);
    }
    const refused = await signIn(who, "203.0.113.70");
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/from this address/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await signIn(who, "203.0.113.71")).status).toBe(200);
  });

  it("does not count successful sign-ins against the address", async () => {
    const who = await account();
    for (let i = 0; i < 8; i++) expect((await signIn(who, "203.0.113.80")).status).toBe(200);
  });

  it("ignores X-Forwarded-For unless TRUST_PROXY says a proxy sets it", async () => {
    const who = await account(direct);
    for (let i = 0; i < 3; i++) {
      const wrong = { email: who.email, password: `guess-${i}-xxxxxxxx` };
      expect((await signIn(wrong, `203.0.113.${90 + i}`, direct)).status).toBe(401);
    }
    // A new forwarded address each time changed nothing: the socket's peer is the client.
    expect((await signIn(who, "203.0.113.99", direct)).status).toBe(429);
  });
});
