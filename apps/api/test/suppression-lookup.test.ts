import { createApiKey, findSuppression, suppressAddress } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

/**
 * The suppression list by address (`POST /v1/suppressions/lookup`, `POST
 * /v1/suppressions/lift`), for addresses no user has (any more): the same
 * normalisation as the router's, complaints kept unless forced, scopes, and
 * bad input answered 4xx with nothing changed.
 */
let api: TestApi;
let reader: string;
beforeAll(async () => {
  api = await createTestApi();
  reader = (await createApiKey(api.deps.db, { name: "reader", scopes: ["read"] })).key;
});
afterAll(() => api?.close());

const as = (key: string) => ({ authorization: `Bearer ${key}` });

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ code, requestId: expect.stringMatching(/^req_/) });
}

describe("POST /v1/suppressions/lookup", () => {
  it("finds an address however it is spelled, as the router normalises it, and 404s one not suppressed", async () => {
    await suppressAddress(api.deps.db, {
      channel: "email",
      address: "old.box@example.com",
      reason: "bounced",
      provider: "resend",
      notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x",
    });
    await suppressAddress(api.deps.db, { channel: "sms", address: "+14155550171", reason: "complained" });
    const email = await api.call("POST", "/v1/suppressions/lookup", {
      channel: "email",
      address: "  Old.Box@EXAMPLE.com ",
    });
    expect(email).toMatchObject({
      status: 200,
      body: {
        channel: "email",
        reason: "bounced",
        provider: "resend",
        notificationId: "ntf_01jd8q3k5m6n7p8q9r0s1t2v3x",
      },
    });
    expect(Object.keys(email.body).sort()).toEqual(
      [
        "channel",
        "createdAt",
        "detail",
        "note",
        "notificationId",
        "provider",
        "reason",
        "suppressedBy",
        "updatedAt",
      ].sort(),
    );
    const sms = await api.call("POST", "/v1/suppressions/lookup", {
      channel: "sms",
      address: "+1 (415) 555-0171",
    });
    expect(sms.body).toMatchObject({ channel: "sms", reason: "complained", provider: null });
    // The same address on the other channel, and another address, are not suppressed.
    const missing = await api.call("POST", "/v1/suppressions/lookup", {
      channel: "sms",
      address: "+14155550172",
    });
    expectError(missing, 404, "not_found");
    expect(missing.body.error.message).toBe("This phone number is not suppressed.");
    expectError(
      await api.call("POST", "/v1/suppressions/lookup", { channel: "email", address: "new.box@example.com" }),
      404,
      "not_found",
    );
  });

  it("takes the read scope", async () => {
    await suppressAddress(api.deps.db, { channel: "email", address: "ro@example.com", reason: "bounced" });
    const body = { channel: "email", address: "ro@example.com" };
    expect((await api.call("POST", "/v1/suppressions/lookup", body, as(reader))).status).toBe(200);
    const writer = (await createApiKey(api.deps.db, { name: "w", scopes: ["events:write"] })).key;
    expectError(await api.call("POST", "/v1/suppressions/lookup", body, as(writer)), 403, "forbidden");
  });
});

describe("POST /v1/suppressions/lift", () => {
  it("lifts an address no user has, answers what it lifted, then 404s", async () => {
    await suppressAddress(api.deps.db, {
      channel: "sms",
      address: "+14155550173",
      reason: "bounced",
      provider: "twilio",
      detail: { errorCode: "21610", stage: "send" },
    });
    const lifted = await api.call("POST", "/v1/suppressions/lift", {
      channel: "sms",
      address: "+1 415-555-0173",
    });
    expect(lifted).toMatchObject({
      status: 200,
      body: { channel: "sms", reason: "bounced", provider: "twilio", detail: { errorCode: "21610" } },
    });
    expect(await findSuppression(api.deps.db, "sms", "+14155550173")).toBeNull();
    expectError(
      await api.call("POST", "/v1/suppressions/lift", { channel: "sms", address: "+14155550173" }),
      404,
      "not_found",
    );
  });

  it('keeps a complaint unless "force": true', async () => {
    await suppressAddress(api.deps.db, {
      channel: "email",
      address: "spam.report@example.com",
      reason: "complained",
    });
    const body = { channel: "email", address: "spam.report@example.com" };
    for (const extra of [{}, { force: false }]) {
      const res = await api.call("POST", "/v1/suppressions/lift", { ...body, ...extra });
      expectError(res, 409, "conflict");
      expect(res.body.error.message).toMatch(/^This e-mail address is suppressed because .* spam/);
    }
    expect(await findSuppression(api.deps.db, "email", "spam.report@example.com")).not.toBeNull();
    const forced = await api.call("POST", "/v1/suppressions/lift", { ...body, force: true });
    expect(forced).toMatchObject({ status: 200, body: { reason: "complained" } });
    expect(await findSuppression(api.deps.db, "email", "spam.report@example.com")).toBeNull();
  });

  it("needs users:write: a read-only key can look but not lift", async () => {
    await suppressAddress(api.deps.db, { channel: "email", address: "kept@example.com", reason: "bounced" });
    const body = { channel: "email", address: "kept@example.com" };
    expectError(await api.call("POST", "/v1/suppressions/lift", body, as(reader)), 403, "forbidden");
    expectError(
      await api.call("POST", "/v1/suppressions/lift", body, { authorization: "" }),
      401,
      "unauthorized",
    );
    expect(await findSuppression(api.deps.db, "email", "kept@example.com")).not.toBeNull();
  });

  it("answers bad input with a 4xx naming the field, and changes nothing", async () => {
    await suppressAddress(api.deps.db, {
      channel: "email",
      address: "bad.input@example.com",
      reason: "bounced",
    });
    const cases: [unknown, number, string, string?][] = [
      [{ channel: "push", address: "bad.input@example.com" }, 422, "validation_failed", "channel"],
      [{ channel: "email", address: "not an address" }, 422, "validation_failed", "address"],
      [{ channel: "email", address: "" }, 422, "validation_failed", "address"],
      [{ channel: "email", address: `${"a".repeat(320)}@example.com` }, 422, "validation_failed", "address"],
      [{ channel: "sms", address: "bad.input@example.com" }, 422, "validation_failed", "address"],
      [{ channel: "sms", address: "555-0173" }, 422, "validation_failed", "address"],
      [{ channel: "email", address: "bad.input@example.com\u0000" }, 422, "validation_failed", "address"],
      [
        { channel: "email", address: "bad.input@example.com", force: "yes" },
        422,
        "validation_failed",
        "force",
      ],
      [{ channel: "email", address: "bad.input@example.com", extra: 1 }, 422, "validation_failed", "extra"],
      [{ channel: "email" }, 422, "validation_failed", "address"],
      ['{"channel": "email", "address": ', 400, "malformed_request"],
    ];
    for (const [body, status, code, field] of cases) {
      for (const path of ["/v1/suppressions/lift", "/v1/suppressions/lookup"]) {
        const res = await api.call("POST", path, body);
        expectError(res, status, code);
        if (field) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
      }
    }
    const text = await api.call("POST", "/v1/suppressions/lift", "x", { "content-type": "text/plain" });
    expectError(text, 415, "unsupported_media_type");
    expect(await findSuppression(api.deps.db, "email", "bad.input@example.com")).not.toBeNull();
  });
});
