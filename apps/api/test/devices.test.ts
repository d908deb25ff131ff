import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const keys = {
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
};

const register = (endpoint: string, user = "grace") =>
  api.call("POST", `/v1/users/${user}/devices`, { kind: "webpush", subscription: { endpoint, keys } });

const deviceCount = async () => {
  const [row] = await api.db.sql<{ n: number }[]>`select count(*)::int as n from devices`;
  return row!.n;
};

describe("POST /v1/users/:userId/devices, web push endpoints", () => {
  for (const endpoint of [
    "http://127.0.0.1:6379/",
    "http://push.example.com/send/abc",
    "ftp://push.example.com/send/abc",
    "javascript:alert(1)",
  ]) {
    it(`refuses ${endpoint} with 422 on subscription.endpoint`, async () => {
      const before = await deviceCount();
      const res = await register(endpoint);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details).toEqual([
        { path: "subscription.endpoint", message: "must be an https URL (a push service endpoint)" },
      ]);
      expect(await deviceCount()).toBe(before);
    });
  }

  it("takes https endpoints of public push services", async () => {
    for (const endpoint of [
      "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24",
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
      "https://[2a00:1450:4007:80e::200a]/push/abc",
    ]) {
      const res = await register(endpoint);
      expect(res.status, endpoint).toBe(201);
      expect(res.body.kind).toBe("webpush");
    }
  });

  it("refuses keys no push could be encrypted for (422 naming the key), storing nothing", async () => {
    const endpoint = "https://fcm.googleapis.com/fcm/send/bad-keys";
    for (const [bad, path] of [
      [{ ...keys, p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4" }, "subscription.keys.p256dh"],
      [{ ...keys, p256dh: `A${keys.p256dh.slice(1)}` }, "subscription.keys.p256dh"],
      [{ ...keys, auth: "tBHItJI5svbp" }, "subscription.keys.auth"],
      [{ ...keys, auth: "not base64!!!!!!!!!!!!" }, "subscription.keys.auth"],
    ] as const) {
      const before = await deviceCount();
      const res = await api.call("POST", "/v1/users/grace/devices", {
        kind: "webpush",
        subscription: { endpoint, keys: bad },
      });
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([path]);
      expect(await deviceCount()).toBe(before);
    }
  });

  it("leaves fcm and apns tokens as they were", async () => {
    const res = await api.call("POST", "/v1/users/grace/devices", { kind: "fcm", token: "fcm-token-123456" });
    expect(res.status).toBe(201);
  });
});

// The worker would POST to the endpoint from inside the operator's network (SSRF).
describe("POST /v1/users/:userId/devices, non-public web push endpoints", () => {
  for (const [endpoint, reason] of [
    ["https://127.0.0.1:6379/", "127.0.0.1 is a non-public address (loopback)"],
    ["https://10.0.0.5/push/abc", "10.0.0.5 is a non-public address (private)"],
    ["https://172.16.4.2/", "172.16.4.2 is a non-public address (private)"],
    ["https://192.168.1.20:8443/", "192.168.1.20 is a non-public address (private)"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254 is a non-public address (link-local)"],
    ["https://100.64.0.1/", "100.64.0.1 is a non-public address (shared (CGNAT))"],
    ["https://0.0.0.0/", "0.0.0.0 is a non-public address (this-network)"],
    ["https://[::1]/", "::1 is a non-public address (loopback)"],
    ["https://[fe80::1]/", "fe80::1 is a non-public address (link-local)"],
    ["https://[fd00::1]/", "fd00::1 is a non-public address (unique-local)"],
    ["https://[::ffff:10.0.0.5]/", "::ffff:a00:5 is a non-public address (private)"],
    ["https://0x7f000001/", "127.0.0.1 is a non-public address (loopback)"],
    ["https://localhost:6379/", "localhost is this machine (localhost)"],
    ["https://redis.localhost/", "redis.localhost is this machine (localhost)"],
  ] as const) {
    it(`refuses ${endpoint} with 422 on subscription.endpoint, storing nothing`, async () => {
      const user = `ssrf-${endpoint.length}-${Math.random().toString(36).slice(2, 8)}`;
      const before = await deviceCount();
      const res = await register(endpoint, user);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        code: "validation_failed",
        message: `subscription.endpoint: must be a public push service: ${reason}`,
        requestId: expect.stringMatching(/^req_/),
        details: [{ path: "subscription.endpoint", message: `must be a public push service: ${reason}` }],
      });
      expect(await deviceCount()).toBe(before);
      // Refused before anything was written: no recipient appears either.
      expect((await api.call("GET", `/v1/users/${user}`)).status).toBe(404);
    });
  }
});

describe("PUSH_ALLOW_PRIVATE_ENDPOINTS=true", () => {
  let allowing: TestApi;
  beforeAll(async () => {
    allowing = await createTestApi({ PUSH_ALLOW_PRIVATE_ENDPOINTS: "true" });
  });
  afterAll(() => allowing.close());

  it("takes loopback and private endpoints (the shape `startFakeWebPush().subscribe()` hands out)", async () => {
    for (const endpoint of [
      "https://127.0.0.1:41443/push/5b0f3c6e-8d7a-4a51-9b0e-1f2d3c4b5a69",
      "https://localhost:41443/push/5b0f3c6e-8d7a-4a51-9b0e-1f2d3c4b5a69",
      "https://10.0.0.5/push/abc",
    ]) {
      const res = await allowing.call("POST", "/v1/users/grace/devices", {
        kind: "webpush",
        subscription: { endpoint, keys },
      });
      expect(res.status, endpoint).toBe(201);
    }
  });
});

describe("devices of an erased user id", () => {
  it("are refused with 404 and stored nowhere, so the id's next owner inherits none", async () => {
    const endpoint = "https://fcm.googleapis.com/fcm/send/erased-device";
    await api.call("PUT", "/v1/users/erased-dev", { email: "dev@example.com" });
    expect((await api.call("DELETE", "/v1/users/erased-dev")).status).toBe(204);
    const before = await deviceCount();

    const late = await register(endpoint, "erased-dev");
    expect(late.status).toBe(404);
    expect(late.body.error).toMatchObject({ code: "not_found", message: expect.stringMatching(/erased/) });
    expect(await deviceCount()).toBe(before);

    // Created again by the app: a fresh recipient without the refused device, which registers as usual.
    const again = await api.call("PUT", "/v1/users/erased-dev", { email: "dev2@example.com" });
    expect(again.status).toBe(200);
    expect((await api.call("GET", "/v1/users/erased-dev")).body.devices).toEqual([]);
    expect((await register(endpoint, "erased-dev")).status).toBe(201);
  });
});
