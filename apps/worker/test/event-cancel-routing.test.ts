import {
  addTopicSubscribers,
  cancelEvent,
  fanoutSummary,
  getEvent,
  insertEvents,
  listEventNotifications,
  upsertRecipient,
} from "@herald/db";
import { catalog } from "@herald/templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeFanoutPage } from "../src/router/fanout-page.ts";
import { routeEvent } from "../src/router/route-event.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let w: TestWorker;
beforeAll(async () => {
  // No `events` consumer (the test runs the route and page steps itself), nor an e-mail one: the
  // notifications made stay unsent until the test cancels them.
  w = await createTestWorker({ FANOUT_PAGE_SIZE: "10", WORKER_CHANNELS: "sms" });
});
afterAll(() => w?.close());

async function orderEvent(userId: string, dedupKey: string): Promise<string> {
  const [row] = await insertEvents(w.deps.db, [
    {
      type: "order_placed",
      userId,
      data: catalog.order_placed.example as Record<string, unknown>,
      priority: "normal",
      channels: ["email"],
      dedupKey,
    },
  ]);
  return row!.event.id;
}

const detail = { by: "api", from: "event" };

describe("routing a canceled event", () => {
  it("makes nothing, claims no dedup key, and marks it routed so the reconciler lets it be", async () => {
    await upsertRecipient(w.deps.db, "cal", { email: "cal@example.com" });
    const canceled = await orderEvent("cal", "order-7");
    await cancelEvent(w.deps.db, canceled, detail);
    expect(await routeEvent(w.deps, canceled)).toEqual({ notifications: 0 });
    expect(await listEventNotifications(w.deps.db, canceled)).toEqual([]);
    expect(await getEvent(w.deps.db, canceled)).toMatchObject({ status: "routed", suppressed: [] });
    // A re-run (a stalled job, the reconciler) changes nothing.
    expect(await routeEvent(w.deps, canceled)).toEqual({ notifications: 0 });

    // The order is placed again with the same dedup key: the canceled event sent nothing, so
    // this one is no duplicate of it.
    const again = await orderEvent("cal", "order-7");
    expect(await routeEvent(w.deps, again)).toEqual({ notifications: 1 });
    const [n] = await listEventNotifications(w.deps.db, again);
    expect(n).toMatchObject({ channel: "email", reason: null });
    expect(n!.status).not.toBe("SUPPRESSED");
  });

  it("a cancel after routing releases the dedup key while nothing went out: the corrected event is no duplicate", async () => {
    await upsertRecipient(w.deps.db, "dee", { email: "dee@example.com" });
    const first = await orderEvent("dee", "order-1042");
    expect(await routeEvent(w.deps, first)).toEqual({ notifications: 1 });
    expect((await listEventNotifications(w.deps.db, first))[0]).toMatchObject({ status: "QUEUED" });
    await cancelEvent(w.deps.db, first, detail);

    // Triggered again with corrected data, same key: the user gets this one.
    const corrected = await orderEvent("dee", "order-1042");
    expect(await routeEvent(w.deps, corrected)).toEqual({ notifications: 1 });
    const [n] = await listEventNotifications(w.deps.db, corrected);
    expect(n).toMatchObject({ status: "QUEUED", reason: null });
    // It holds the key now: a third is a duplicate.
    const third = await orderEvent("dee", "order-1042");
    await routeEvent(w.deps, third);
    expect((await listEventNotifications(w.deps.db, third))[0]).toMatchObject({
      status: "SUPPRESSED",
      reason: "duplicate",
    });
  });

  it("stops a topic event's fan-out: pages after the cancel route no one and the event ends routed", async () => {
    await addTopicSubscribers(
      w.deps.db,
      "launch",
      Array.from({ length: 30 }, (_, i) => ({
        userId: `sub-${i}`,
        fields: { email: `sub-${i}@example.com` },
      })),
    );
    const [row] = await insertEvents(w.deps.db, [
      {
        type: "weekly_promo",
        userId: null,
        topic: "launch",
        data: catalog.weekly_promo.example,
        priority: "low",
      },
    ]);
    const eventId = row!.event.id;
    const { pages } = (await routeEvent(w.deps, eventId)) as { pages: number };
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(await routeFanoutPage(w.deps, eventId, 0)).toMatchObject({ recipients: 10, notifications: 10 });

    const result = await cancelEvent(w.deps.db, eventId, detail);
    expect(result!.canceled).toHaveLength(10);
    const rest = [];
    for (let page = 1; page < pages; page++) rest.push(await routeFanoutPage(w.deps, eventId, page));
    expect(rest.map((r) => r.recipients + r.notifications)).toEqual(rest.map(() => 0));
    expect(rest.at(-1)!.eventDone).toBe(true);
    expect((await getEvent(w.deps.db, eventId))?.status).toBe("routed");
    // The page done before the cancel keeps its counts; a retried page after it changes nothing.
    await routeFanoutPage(w.deps, eventId, 0);
    expect(await fanoutSummary(w.deps.db, eventId)).toMatchObject({
      pages,
      pagesDone: pages,
      recipients: 10,
      notifications: 10,
    });
    const made = await listEventNotifications(w.deps.db, eventId);
    expect(made.map((n) => n.status)).toEqual(made.map(() => "CANCELED"));
    expect(made).toHaveLength(10);
  });
});
