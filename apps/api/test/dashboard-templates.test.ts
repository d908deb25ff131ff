import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

describe("GET /v1/dashboard/templates", () => {
  it("says how each type takes part in digests: a critical type never does, whatever its rules", async () => {
    const res = await api.call("GET", "/v1/dashboard/templates");
    expect(res.status).toBe(200);
    const digest = Object.fromEntries(
      (res.body.data as { type: string; digest: unknown }[]).map((t) => [t.type, t.digest]),
    );
    const plain = { never: false, summary: false, collapse: null };
    expect(digest).toEqual({
      order_placed: plain,
      password_reset: { ...plain, never: true },
      payment_failed: plain,
      weekly_promo: plain,
    });
  });
});
