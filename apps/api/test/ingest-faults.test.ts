import { discardEvents, getEvent, insertEvents } from "@herald/db";
import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestApi } from "./test-api.ts";

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const order = (key: string) => ({
  type: "order_placed",
  userId: "faulty",
  data: catalog.order_placed.example,
  idempotencyKey: key,
});

describe("intake between PostgreSQL and Redis", () => {
  it("a retried request re-enqueues an event whose first request died before enqueueing", async () => {
    const first = await api.call("POST", "/v1/events", order("crash-before-enqueue"));
    expect(first.status).toBe(202);
    const events = api.deps.queues.get("events");
    // The state a crash between the commit and the enqueue leaves behind.
    expect(await events.remove(first.body.eventId)).toBe(1);
    const retry = await api.call("POST", "/v1/events", order("crash-before-enqueue"));
    expect(retry.status).toBe(202);
    expect(retry.body.eventId).toBe(first.body.eventId);
    expect(await events.getJobState(first.body.eventId)).toMatch(/waiting|prioritized/);
  });

  it("the 503 clean-up deletes only rows whose job does not exist", async () => {
    const [a, b] = await insertEvents(api.deps.db, [
      { type: "order_placed", userId: "faulty", data: {}, priority: "normal" },
      { type: "order_placed", userId: "faulty", data: {}, priority: "normal" },
    ]);
    // b's enqueue "timed out" but reached Redis: its job exists.
    await api.deps.queues.add("events", "route", { eventId: b!.event.id }, { jobId: b!.event.id });
    const deleted = await discardEvents(api.deps.db, [a!.event.id, b!.event.id], async (ids) => {
      const states = await Promise.all(ids.map((id) => api.deps.queues.get("events").getJobState(id)));
      return new Set(ids.filter((_, i) => states[i] !== "unknown"));
    });
    expect(deleted).toEqual([a!.event.id]);
    expect(await getEvent(api.deps.db, a!.event.id)).toBeNull();
    expect(await getEvent(api.deps.db, b!.event.id)).not.toBeNull();
  });
});
