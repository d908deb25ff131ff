import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

describe("phone numbers must be E.164", () => {
  it.each(["0044 7700 900123", "4155550100", "+0155550100", "+1 415 555 0100", "+1234"])(
    "rejects %s with a 422 naming the field",
    async (phone) => {
      const res = await api.call("PUT", "/v1/users/sms-user", { phone });
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: "phone" })]);
    },
  );

  it("rejects an inline recipient's bad phone on an event, and accepts a good one", async () => {
    const bad = await api.call("POST", "/v1/events", {
      type: "order_placed",
      userId: "sms-user",
      data: catalog.order_placed.example,
      user: { phone: "555-0100" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: "user.phone" })]);
    const good = await api.call("PUT", "/v1/users/sms-user", { phone: "+447700900123" });
    expect(good.status).toBe(200);
    expect(good.body.phone).toBe("+447700900123");
  });
});
