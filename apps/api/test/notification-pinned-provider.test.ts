import { recordAmbiguousProviders } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserCall, createTestAccounts, signInAs, TEST_SUPPORT } from "./dashboard-session.ts";
import { seedNotification } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  await createTestAccounts(api);
});
afterAll(() => api.close());

describe("pinnedProvider: the provider an e-mail waits for", () => {
  it("shows on a pinned row wherever a notification is read, support included; an unpinned row has no field", async () => {
    const { notification: pinned } = await seedNotification(api.deps.db, "pin-user", {
      channel: "email",
      status: "FAILED",
    });
    const { notification: plain } = await seedNotification(api.deps.db, "pin-user", { channel: "email" });
    // As the worker records an ambiguous answer, or a request a stopped worker left noted.
    await recordAmbiguousProviders(api.deps.db, [{ id: pinned.id, provider: "resend", batchKey: "key-1" }]);

    const one = await api.call("GET", `/v1/notifications/${pinned.id}`);
    expect(one.status).toBe(200);
    expect(one.body.pinnedProvider).toBe("resend");
    const other = await api.call("GET", `/v1/notifications/${plain.id}`);
    expect(other.body).not.toHaveProperty("pinnedProvider");

    const list = await api.call("GET", "/v1/notifications?userId=pin-user");
    const byId = new Map(list.body.data.map((n: { id: string }) => [n.id, n]));
    expect(byId.get(pinned.id)).toMatchObject({ pinnedProvider: "resend" });
    expect(byId.get(plain.id)).not.toHaveProperty("pinnedProvider");

    // A provider's name is no secret: a support session sees it too.
    const s = await signInAs(api, TEST_SUPPORT);
    expect((await browserCall(api, "GET", `/v1/notifications/${pinned.id}`, s)).body.pinnedProvider).toBe(
      "resend",
    );
  });
});
