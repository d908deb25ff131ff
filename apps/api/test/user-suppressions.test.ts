import { createApiKey, createDashboardUser, findSuppression, suppressAddress } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { createApp } from "../src/app.ts";
import { browserCall, signInAs } from "./dashboard-session.ts";
import { createTestApi, loggingApp, type TestApi } from "./test-api.ts";

/**
 * Support sees why a user gets no e-mail or SMS (`GET /v1/users/{userId}/suppressions`)
 * and lifts it (`DELETE …/suppressions/{channel}`): scopes, 404s, complaints, the log line.
 */
let api: TestApi;
let app: ReturnType<typeof createApp>;
let keys: { reader: string; writer: string };
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  api = await createTestApi();
  ({ app, lines } = loggingApp<Record<string, unknown>>(api));
  const reader = await createApiKey(api.deps.db, { name: "support reader", scopes: ["read"] });
  const writer = await createApiKey(api.deps.db, { name: "events only", scopes: ["events:write"] });
  keys = { reader: reader.key, writer: writer.key };
});
afterAll(() => api?.close());

/** A request to the app that logs into `lines`, with the admin key unless `key` is given. */
async function call(method: string, path: string, key = api.apiKey) {
  const res = await app.request(path, { method, headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as any };
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
}

const bounce = (address: string) =>
  suppressAddress(api.deps.db, {
    channel: "email",
    address,
    reason: "bounced",
    provider: "resend",
    notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x",
    at: new Date("2026-03-01T10:00:00Z"),
  });
const stop = (address: string, reason: "bounced" | "complained" = "bounced") =>
  suppressAddress(api.deps.db, {
    channel: "sms",
    address,
    reason,
    provider: "twilio",
    detail: { errorCode: "21610", stage: "send" },
  });

async function user(userId: string, fields: Record<string, unknown>) {
  expect((await api.call("PUT", `/v1/users/${encodeURIComponent(userId)}`, fields)).status).toBe(200);
}

describe("GET /v1/users/{userId}/suppressions", () => {
  it("lists the suppressions of the user's current e-mail and phone, found however the provider spelled them", async () => {
    await user("sue", { email: "Sue@Example.com", phone: "+14155550161" });
    await bounce(" sue@example.COM");
    await stop("+1 (415) 555-0161", "complained");
    const res = await call("GET", "/v1/users/sue/suppressions");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        {
          channel: "email",
          reason: "bounced",
          provider: "resend",
          notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x",
          detail: null,
          note: null,
          suppressedBy: null,
          createdAt: "2026-03-01T10:00:00.000Z",
          updatedAt: "2026-03-01T10:00:00.000Z",
        },
        {
          channel: "sms",
          reason: "complained",
          provider: "twilio",
          notificationId: null,
          detail: { errorCode: "21610", stage: "send" },
          note: null,
          suppressedBy: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      ],
    });
    // Neither the list's key (the address hash) nor the address itself.
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text.toLowerCase()).not.toContain("sue@example.com");
  });

  it("answers an empty list for deliverable addresses, and leaves out an address the user no longer has", async () => {
    await user("sal", { email: "sal@example.com" });
    expect(await call("GET", "/v1/users/sal/suppressions")).toEqual({ status: 200, body: { data: [] } });
    await bounce("sal@example.com");
    expect((await call("GET", "/v1/users/sal/suppressions")).body.data).toHaveLength(1);
    await user("sal", { email: "sal.new@example.com" });
    expect((await call("GET", "/v1/users/sal/suppressions")).body).toEqual({ data: [] });
  });

  it("answers 404 for an unknown user and for an erased one, as GET /v1/users/{userId} does", async () => {
    const unknown = await call("GET", "/v1/users/nobody-here/suppressions");
    expectError(unknown, 404, "not_found");
    expect(unknown.body.error.message).toBe((await call("GET", "/v1/users/nobody-here")).body.error.message);
    await user("sid", { email: "sid@example.com" });
    await bounce("sid@example.com");
    expect((await api.call("DELETE", "/v1/users/sid")).status).toBe(204);
    expectError(await call("GET", "/v1/users/sid/suppressions"), 404, "not_found");
    expectError(await call("DELETE", "/v1/users/sid/suppressions/email"), 404, "not_found");
  });
});

describe("DELETE /v1/users/{userId}/suppressions/{channel}", () => {
  it("lifts the suppression of the user's current address, answers what it lifted, and 404s a repeat", async () => {
    await user("lin", { email: "Lin@example.com", phone: "+14155550162" });
    await bounce("lin@example.com");
    await stop("+14155550162");
    const lifted = await call("DELETE", "/v1/users/lin/suppressions/email");
    expect(lifted).toMatchObject({
      status: 200,
      body: {
        channel: "email",
        reason: "bounced",
        provider: "resend",
        createdAt: "2026-03-01T10:00:00.000Z",
      },
    });
    expect(await findSuppression(api.deps.db, "email", "lin@example.com")).toBeNull();
    // The other channel is untouched.
    expect((await call("GET", "/v1/users/lin/suppressions")).body.data.map((s: any) => s.channel)).toEqual([
      "sms",
    ]);
    const again = await call("DELETE", "/v1/users/lin/suppressions/email");
    expectError(again, 404, "not_found");
    expect(again.body.error.message).toBe("lin's e-mail address is not suppressed.");
  });

  it("answers 404 when the user has no address on that channel", async () => {
    await user("nel", { email: "nel@example.com" });
    const res = await call("DELETE", "/v1/users/nel/suppressions/sms");
    expectError(res, 404, "not_found");
    expect(res.body.error.message).toBe("User nel has no phone number.");
    expectError(await call("DELETE", "/v1/users/no-such-user/suppressions/sms"), 404, "not_found");
  });

  it("refuses a channel without an address, or a bad force, with 422 naming the parameter", async () => {
    await user("val", { email: "val@example.com" });
    for (const channel of ["push", "in_app", "EMAIL", "fax"]) {
      const res = await call("DELETE", `/v1/users/val/suppressions/${channel}`);
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details[0].path).toBe("path.channel");
    }
    const force = await call("DELETE", "/v1/users/val/suppressions/email?force=yes");
    expectError(force, 422, "validation_failed");
    expect(force.body.error.details[0].path).toBe("query.force");
  });

  it("keeps a complaint unless force=true: lifting a spam report is the operator's own decision", async () => {
    await user("cam", { phone: "+14155550163" });
    await stop("+14155550163", "complained");
    for (const query of ["", "?force=false"]) {
      const res = await call("DELETE", `/v1/users/cam/suppressions/sms${query}`);
      expectError(res, 409, "conflict");
      expect(res.body.error.message).toMatch(/reported a message as spam.*force=true/);
    }
    expect(await findSuppression(api.deps.db, "sms", "+14155550163")).toMatchObject({ reason: "complained" });
    const forced = await call("DELETE", "/v1/users/cam/suppressions/sms?force=true");
    expect(forced).toMatchObject({ status: 200, body: { channel: "sms", reason: "complained" } });
    expect(await findSuppression(api.deps.db, "sms", "+14155550163")).toBeNull();
  });

  it("needs users:write to lift and read to look: a read-only key sees but cannot lift", async () => {
    await user("rob", { email: "rob@example.com" });
    await bounce("rob@example.com");
    expect((await call("GET", "/v1/users/rob/suppressions", keys.reader)).body.data).toHaveLength(1);
    expectError(await call("DELETE", "/v1/users/rob/suppressions/email", keys.reader), 403, "forbidden");
    expectError(await call("GET", "/v1/users/rob/suppressions", keys.writer), 403, "forbidden");
    expectError(await call("DELETE", "/v1/users/rob/suppressions/email", keys.writer), 403, "forbidden");
    expectError(await call("GET", "/v1/users/rob/suppressions", "hk_live_nope"), 401, "unauthorized");
    expect(await findSuppression(api.deps.db, "email", "rob@example.com")).not.toBeNull();
  });

  it("logs who lifted what at info, by ids: never the address, nor the user id (often an e-mail address)", async () => {
    const userId = "kim.lee@example.com";
    await user(userId, { email: "kim.lee@example.com" });
    await bounce("kim.lee@example.com");
    const r = (await api.call("GET", `/v1/users/${encodeURIComponent(userId)}`)).body;
    lines.length = 0;
    const res = await call("DELETE", `/v1/users/${encodeURIComponent(userId)}/suppressions/email`);
    expect(res.status).toBe(200);
    const lifted = lines.filter((l) => l.msg === "suppression lifted");
    expect(lifted).toEqual([
      expect.objectContaining({
        level: "info",
        channel: "email",
        reason: "bounced",
        provider: "resend",
        notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x",
        recipientId: r.id,
        by: expect.stringMatching(/^key_/),
        via: "api_key",
      }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/kim\.lee|kim%2Elee|example\.com/i);
  });
});

describe("the dashboard's support role", () => {
  it("sees a user's suppressions and lifts one with its session (and its CSRF token)", async () => {
    const support = { email: "sam.support@example.com", password: "support-password-123" };
    const account = await createDashboardUser(api.deps.db, { ...support, role: "support" });
    await user("dot", { email: "dot@example.com" });
    await bounce("dot@example.com");
    // The app that logs into `lines`.
    const logged = { ...api, app };
    const session = await signInAs(logged, support);
    const listed = await browserCall(logged, "GET", "/v1/users/dot/suppressions", session);
    expect(listed.body.data).toMatchObject([{ channel: "email", reason: "bounced" }]);
    const path = "/v1/users/dot/suppressions/email";
    expectError(await browserCall(logged, "DELETE", path, session), 403, "forbidden");
    expect(await findSuppression(api.deps.db, "email", "dot@example.com")).not.toBeNull();
    lines.length = 0;
    const lifted = await browserCall(logged, "DELETE", path, session, undefined, {
      "x-csrf-token": session.csrf,
    });
    expect(lifted).toMatchObject({ status: 200, body: { channel: "email" } });
    expect(await findSuppression(api.deps.db, "email", "dot@example.com")).toBeNull();
    expect(lines.filter((l) => l.msg === "suppression lifted")).toEqual([
      expect.objectContaining({ by: account!.id, via: "dashboard" }),
    ]);
  });
});
