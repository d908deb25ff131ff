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

  it("takes https endpoints, loopback included (the tests' fake push service is one)", async () => {
    // The shape `startFakeWebPush().subscribe()` hands out.
    for (const endpoint of [
      "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24",
      "https://127.0.0.1:41443/push/5b0f3c6e-8d7a-4a51-9b0e-1f2d3c4b5a69",
    ]) {
      const res = await register(endpoint);
      expect(res.status, endpoint).toBe(201);
      expect(res.body.kind).toBe("webpush");
    }
  });

  it("leaves fcm and apns tokens as they were", async () => {
    const res = await api.call("POST", "/v1/users/grace/devices", { kind: "fcm", token: "fcm-token-123456" });
    expect(res.status).toBe(201);
  });
});
