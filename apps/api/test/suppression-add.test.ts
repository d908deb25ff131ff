import { createApiKey, createDashboardUser, findSuppression, suppressAddress } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { createApp } from "../src/app.ts";
import { browserCall, signInAs } from "./dashboard-session.ts";
import { createTestApi, loggingApp, type TestApi } from "./test-api.ts";

/**
 * Support suppresses an address by hand (`manual`): the user's current one
 * (`POST /v1/users/{userId}/suppressions`) or any (`POST /v1/suppressions`).
 * 201 then 200 with the entry as it is, never a weaker reason; the note and
 * the caller kept and listed; 404/422s; scopes; lifted without force.
 */
let api: TestApi;
let app: ReturnType<typeof createApp>;
let keys: { reader: string; tools: string; toolsId: string };
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  api = await createTestApi();
  ({ app, lines } = loggingApp<Record<string, unknown>>(api));
  const reader = await createApiKey(api.deps.db, { name: "support reader", scopes: ["read"] });
  const tools = await createApiKey(api.deps.db, { name: "support tools", scopes: ["users:write", "read"] });
  keys = { reader: reader.key, tools: tools.key, toolsId: tools.row.id };
});
afterAll(() => api?.close());

/** A request to the app that logs into `lines`, with the support tools' key unless `key` is given. */
async function call(method: string, path: string, body?: unknown, key = keys.tools) {
  const res = await app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
}

async function user(userId: string, fields: Record<string, unknown>) {
  expect((await api.call("PUT", `/v1/users/${encodeURIComponent(userId)}`, fields)).status).toBe(200);
}

const byTools = () => ({ via: "api_key", id: keys.toolsId, name: "support tools" });

describe("POST /v1/users/{userId}/suppressions", () => {
  it("suppresses the user's current number with the note and the caller, lists it, and answers a repeat 200 unchanged", async () => {
    await user("ria", { email: "ria@example.com", phone: "+14155550191" });
    const added = await call("POST", "/v1/users/ria/suppressions", {
      channel: "sms",
      note: "  Number reassigned (ticket 4821)  ",
    });
    expect(added).toEqual({
      status: 201,
      body: {
        channel: "sms",
        reason: "manual",
        provider: null,
        notificationId: null,
        detail: null,
        note: "Number reassigned (ticket 4821)",
        suppressedBy: byTools(),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    // Keyed as the router keys it: the number however spelled.
    expect(await findSuppression(api.deps.db, "sms", "+1 (415) 555-0191")).toMatchObject({
      reason: "manual",
    });
    expect((await call("GET", "/v1/users/ria/suppressions")).body.data).toEqual([added.body]);

    const again = await call("POST", "/v1/users/ria/suppressions", { channel: "sms", note: "another" });
    expect(again).toEqual({ status: 200, body: added.body });
    // The other channel is untouched.
    expect((await call("GET", "/v1/users/ria/suppressions")).body.data).toHaveLength(1);
  });

  it("answers an address the provider suppressed as it is: a complaint is never turned into `manual`", async () => {
    await user("cal", { email: "Cal@Example.com", phone: "+14155550192" });
    const complaint = await suppressAddress(api.deps.db, {
      channel: "email",
      address: "cal@example.com",
      reason: "complained",
      provider: "resend",
    });
    const res = await call("POST", "/v1/users/cal/suppressions", { channel: "email", note: "legal" });
    expect(res).toMatchObject({
      status: 200,
      body: { channel: "email", reason: "complained", provider: "resend", note: null, suppressedBy: null },
    });
    expect(await findSuppression(api.deps.db, "email", "cal@example.com")).toEqual(complaint);
  });

  it("answers 404 for an unknown or erased user, 422 for a channel the user has no address on", async () => {
    expectError(
      await call("POST", "/v1/users/no-such-user/suppressions", { channel: "email" }),
      404,
      "not_found",
    );
    await user("eve", { email: "eve@example.com" });
    expect((await api.call("DELETE", "/v1/users/eve")).status).toBe(204);
    expectError(await call("POST", "/v1/users/eve/suppressions", { channel: "email" }), 404, "not_found");

    await user("nia", { email: "nia@example.com" });
    const none = await call("POST", "/v1/users/nia/suppressions", { channel: "sms" });
    expectError(none, 422, "validation_failed");
    expect(none.body.error.details).toEqual([
      { path: "channel", message: "User nia has no phone number to suppress." },
    ]);
    expect(await call("GET", "/v1/users/nia/suppressions")).toEqual({ status: 200, body: { data: [] } });
  });

  it("refuses push and in-app (a push device is removed instead), unknown fields, and bad notes, with 422s naming the field", async () => {
    await user("val", { email: "val@example.com", phone: "+14155550193" });
    for (const channel of ["push", "in_app", "EMAIL", undefined]) {
      const res = await call("POST", "/v1/users/val/suppressions", { channel });
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details[0].path).toBe("channel");
    }
    const push = await call("POST", "/v1/users/val/suppressions", { channel: "push" });
    expect(push.body.error.message).toMatch(/push device is not suppressed but removed \(DELETE .*devices/);
    const cases: [unknown, string][] = [
      [{ channel: "email", note: "x".repeat(501) }, "note"],
      [{ channel: "email", note: 42 }, "note"],
      [{ channel: "email", note: "bad \u0000 byte" }, "note"],
      [{ channel: "email", address: "val@example.com" }, "address"],
      // The list keeps no addresses: not in the note either, however spelled.
      [{ channel: "email", note: "Owner of VAL@example.com asked to stop" }, "note"],
      [{ channel: "sms", note: "old number +1 (415) 555-0193" }, "note"],
    ];
    for (const [body, path] of cases) {
      const res = await call("POST", "/v1/users/val/suppressions", body);
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([path]);
    }
    expectError(await call("POST", "/v1/users/val/suppressions", "not json"), 422, "validation_failed");
    expect(await call("GET", "/v1/users/val/suppressions")).toEqual({ status: 200, body: { data: [] } });
  });

  it("is lifted like a bounce, without force", async () => {
    await user("lia", { email: "lia@example.com" });
    expect((await call("POST", "/v1/users/lia/suppressions", { channel: "email" })).status).toBe(201);
    const lifted = await call("DELETE", "/v1/users/lia/suppressions/email");
    expect(lifted).toMatchObject({
      status: 200,
      body: { reason: "manual", note: null, suppressedBy: byTools() },
    });
    expect(await findSuppression(api.deps.db, "email", "lia@example.com")).toBeNull();
  });

  it("needs users:write, and logs who added what by ids: never the address nor the user id", async () => {
    const userId = "kim.lee@example.com";
    await user(userId, { email: "kim.lee@example.com" });
    const path = `/v1/users/${encodeURIComponent(userId)}/suppressions`;
    expectError(await call("POST", path, { channel: "email" }, keys.reader), 403, "forbidden");
    expect(await findSuppression(api.deps.db, "email", "kim.lee@example.com")).toBeNull();
    const r = (await api.call("GET", `/v1/users/${encodeURIComponent(userId)}`)).body;
    lines.length = 0;
    expect((await call("POST", path, { channel: "email", note: "legal request" })).status).toBe(201);
    expect((await call("POST", path, { channel: "email" })).status).toBe(200);
    expect(lines.filter((l) => /^suppression (added|already there)$/.test(String(l.msg)))).toEqual([
      expect.objectContaining({
        level: "info",
        msg: "suppression added",
        channel: "email",
        created: true,
        reason: "manual",
        recipientId: r.id,
        by: keys.toolsId,
        via: "api_key",
      }),
      expect.objectContaining({ msg: "suppression already there", created: false, by: keys.toolsId }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/kim\.lee|kim%2Elee|example\.com|legal request/i);
  });
});

describe("POST /v1/suppressions", () => {
  it("suppresses an address no user has, normalised as the router does; lookup and lift find it by any spelling", async () => {
    const added = await call("POST", "/v1/suppressions", {
      channel: "email",
      address: "  Legal.Hold@EXAMPLE.com ",
      note: "Legal request: no messages (case 77)",
    });
    expect(added).toMatchObject({
      status: 201,
      body: {
        channel: "email",
        reason: "manual",
        note: "Legal request: no messages (case 77)",
        suppressedBy: byTools(),
      },
    });
    const address = { channel: "email", address: "legal.hold@example.com" };
    expect(await call("POST", "/v1/suppressions/lookup", address)).toEqual({ status: 200, body: added.body });
    expect(await call("POST", "/v1/suppressions", { ...address, note: "again" })).toEqual({
      status: 200,
      body: added.body,
    });
    // A user who gets the address later is listed as suppressed.
    await user("new-owner", { email: "LEGAL.HOLD@example.com" });
    expect((await call("GET", "/v1/users/new-owner/suppressions")).body.data).toEqual([added.body]);
    expect(await call("POST", "/v1/suppressions/lift", address)).toEqual({ status: 200, body: added.body });
  });

  it("answers a bounce as it is, and refuses a bad address, a push channel or a note naming the address (422)", async () => {
    const bounce = await suppressAddress(api.deps.db, {
      channel: "sms",
      address: "+14155550194",
      reason: "bounced",
      provider: "twilio",
      detail: { errorCode: "21610", stage: "send" },
    });
    const same = await call("POST", "/v1/suppressions", { channel: "sms", address: "+1-415-555-0194" });
    expect(same).toMatchObject({ status: 200, body: { reason: "bounced", provider: "twilio", note: null } });
    expect(await findSuppression(api.deps.db, "sms", "+14155550194")).toEqual(bounce);

    const cases: [unknown, string][] = [
      [{ channel: "email", address: "not-an-address" }, "address"],
      [{ channel: "sms", address: "4155550100" }, "address"],
      [{ channel: "push", address: "https://push.example.com/x" }, "channel"],
      [{ channel: "sms" }, "address"],
      [{ channel: "sms", address: "+14155550195", note: "was 1 415 555 0195" }, "note"],
      [{ channel: "sms", address: "+14155550195", force: true }, "force"],
    ];
    for (const [body, path] of cases) {
      const res = await call("POST", "/v1/suppressions", body);
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([path]);
    }
    expect(await findSuppression(api.deps.db, "sms", "+14155550195")).toBeNull();
  });

  it("needs users:write", async () => {
    const body = { channel: "email", address: "ro@example.com" };
    expectError(await call("POST", "/v1/suppressions", body, keys.reader), 403, "forbidden");
    expectError(await call("POST", "/v1/suppressions", body, "hk_live_nope"), 401, "unauthorized");
    expect(await findSuppression(api.deps.db, "email", "ro@example.com")).toBeNull();
  });
});

describe("the dashboard's support role", () => {
  it("adds one with its session and CSRF token, kept under the account's id and e-mail address", async () => {
    const support = { email: "sam.support@example.com", password: "support-password-123" };
    const account = await createDashboardUser(api.deps.db, { ...support, role: "support" });
    await user("dot", { phone: "+14155550196" });
    const session = await signInAs(api, support);
    const path = "/v1/users/dot/suppressions";
    const body = { channel: "sms", note: "Number reassigned" };
    expectError(await browserCall(api, "POST", path, session, body), 403, "forbidden");
    expect(await findSuppression(api.deps.db, "sms", "+14155550196")).toBeNull();
    const added = await browserCall(api, "POST", path, session, body, { "x-csrf-token": session.csrf });
    expect(added).toMatchObject({
      status: 201,
      body: {
        reason: "manual",
        note: "Number reassigned",
        suppressedBy: { via: "dashboard", id: account!.id, name: support.email },
      },
    });
  });
});
