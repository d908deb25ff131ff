import { getNotification, markDeliveredMany, markRead, recordClick } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSentNotification, timelineOf } from "./seed-notification.ts";
import { createTestApi, type TestApi } from "./test-api.ts";

// The transitions the inbox (in-app) and the push service worker call.
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe("delivery helpers for in-app and push", () => {
  it("markDeliveredMany moves a fetched inbox page to DELIVERED in one statement, leaving READ ones", async () => {
    const a = await seedSentNotification(api.deps.db, "in_app", "inbox");
    const b = await seedSentNotification(api.deps.db, "in_app", "inbox");
    await markRead(api.deps.db, b.id, { detail: { source: "inbox" } });
    const moved = await markDeliveredMany(api.deps.db, [a.id, b.id, "ntf_unknown"], {
      detail: { source: "fetch" },
    });
    expect(moved).toEqual([a.id]);
    expect((await getNotification(api.deps.db, a.id))?.status).toBe("DELIVERED");
    expect((await getNotification(api.deps.db, b.id))?.status).toBe("READ");
    expect(await timelineOf(api.deps.db, a.id)).toEqual(["PENDING", "QUEUED", "SENT", "DELIVERED"]);
    expect(await markDeliveredMany(api.deps.db, [a.id])).toEqual([]);
  });

  it("a push click counts as READ and clicked", async () => {
    const p = await seedSentNotification(api.deps.db, "push", "webpush");
    expect(
      await recordClick(api.deps.db, p.id, { source: "push", url: "https://shop.example.com/o/1" }),
    ).toBe(true);
    const row = await getNotification(api.deps.db, p.id);
    expect(row?.status).toBe("READ");
    expect(row?.clickedAt).toBeInstanceOf(Date);
  });
});
