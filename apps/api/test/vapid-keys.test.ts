import { generateVapidKeys, resolveVapidKeys } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const served = async () =>
  (await api.call("GET", "/v1/push/vapid-public-key", undefined, { authorization: "" })).body;

describe("the VAPID key browsers subscribe with", () => {
  it("follows what the workers sign with: dev pair, then configured keys, then the dev pair again", async () => {
    const dev = await served();
    const workerDev = await resolveVapidKeys(api.deps.db);
    expect(dev.publicKey).toBe(workerDev.publicKey);
    // Concurrent start-ups agree on one pair.
    const again = await Promise.all([1, 2, 3].map(() => resolveVapidKeys(api.deps.db)));
    expect(new Set(again.map((k) => k.publicKey))).toEqual(new Set([dev.publicKey]));

    const configured = generateVapidKeys();
    await resolveVapidKeys(api.deps.db, configured);
    expect((await served()).publicKey).toBe(configured.publicKey);

    await resolveVapidKeys(api.deps.db);
    expect((await served()).publicKey).toBe(dev.publicKey);
  });

  it("makes keys web push accepts (65-byte public point, 32-byte private scalar)", () => {
    for (let i = 0; i < 50; i++) {
      const k = generateVapidKeys();
      expect(Buffer.from(k.publicKey, "base64url")).toHaveLength(65);
      expect(Buffer.from(k.privateKey, "base64url")).toHaveLength(32);
    }
  });
});
