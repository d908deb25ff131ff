import {
  addTopicSubscribers,
  deleteTopic,
  fanoutSummary,
  getEvent,
  insertEvents,
  listEventNotifications,
  sql,
} from "@herald/db";
import { PRIORITY_RANK } from "@herald/domain";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeFanoutPage } from "../src/router/fanout-page.ts";
import { routeEvent } from "../src/router/route-event.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

/**
 * `DELETE /v1/topics/{key}` while an event to the topic is on its way: the
 * fan-out's pages not run yet find no subscribers, and the event still ends
 * `routed`, with nothing failed or dead-lettered.
 */
async function subscribe(w: TestWorker, topic: string, prefix: string, n: number) {
  await addTopicSubscribers(
    w.deps.db,
    topic,
    Array.from({ length: n }, (_, i) => ({
      userId: `${prefix}-${i}`,
      fields: { email: `${prefix}-${i}@example.com` },
    })),
  );
}

async function topicEvent(w: TestWorker, topic: string): Promise<string> {
  const [row] = await insertEvents(w.deps.db, [
    { type: "weekly_promo", userId: null, topic, data: catalog.weekly_promo.example, priority: "low" },
  ]);
  return row!.event.id;
}

describe("a topic deleted before the worker routes its event", () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await createTestWorker({ FANOUT_PAGE_SIZE: "10" });
  });
  afterAll(() => w?.close());

  it("ends the event routed with no one reached, through the queues, nothing failed", async () => {
    await subscribe(w, "gone-early", "early", 15);
    const eventId = await topicEvent(w, "gone-early");
    expect(await deleteTopic(w.deps.db, "gone-early")).toEqual({ subscribers: 15 });
    await w.deps.queues.add("events", "route", { eventId }, { jobId: eventId, priority: PRIORITY_RANK.low });

    const event = await eventually(async () => {
      const e = await getEvent(w.deps.db, eventId);
      return e?.status === "routed" ? e : null;
    }, 30_000);
    expect(event).toMatchObject({ status: "routed", fanoutPages: 1, error: null });
    expect(await fanoutSummary(w.deps.db, eventId)).toEqual({
      pages: 1,
      pagesDone: 1,
      recipients: 0,
      notifications: 0,
      skipped: {},
    });
    expect(await listEventNotifications(w.deps.db, eventId)).toEqual([]);
    const events = w.deps.queues.get("events");
    expect(await events.getJobCounts("failed")).toEqual({ failed: 0 });
    expect(await w.deps.queues.get("dead_letter").getJobCounts("waiting", "failed")).toEqual({
      waiting: 0,
      failed: 0,
    });
  });
});

describe("a topic deleted while its event fans out", () => {
  let w: TestWorker;
  beforeAll(async () => {
    // No `events` consumer: the test runs the route and page steps itself.
    w = await createTestWorker({ FANOUT_PAGE_SIZE: "10", WORKER_CHANNELS: "sms" });
  });
  afterAll(() => w?.close());

  it("keeps what the pages already run made; the pages after find no subscribers and the event ends routed", async () => {
    await subscribe(w, "gone-midway", "mid", 25);
    const eventId = await topicEvent(w, "gone-midway");
    expect(await routeEvent(w.deps, eventId)).toEqual({ pages: 3 });
    expect(await routeFanoutPage(w.deps, eventId, 0)).toMatchObject({ recipients: 10, eventDone: false });

    expect(await deleteTopic(w.deps.db, "gone-midway")).toEqual({ subscribers: 25 });
    expect(await routeFanoutPage(w.deps, eventId, 1)).toEqual({
      recipients: 0,
      notifications: 0,
      skipped: {},
      eventDone: false,
    });
    expect(await routeFanoutPage(w.deps, eventId, 2)).toMatchObject({ recipients: 0, eventDone: true });
    // A re-run (a stalled job, the reconciler) changes nothing.
    expect(await routeEvent(w.deps, eventId)).toEqual({ pages: 3 });

    expect(await getEvent(w.deps.db, eventId)).toMatchObject({ status: "routed", error: null });
    const summary = await fanoutSummary(w.deps.db, eventId);
    expect(summary).toMatchObject({ pages: 3, pagesDone: 3, recipients: 10 });
    const [made] = await w.deps.db.execute<{ n: number; failed: number }>(sql`
      select count(*)::int as n, count(*) filter (where status in ('FAILED', 'DEAD'))::int as failed
      from notifications where event_id = ${eventId}`);
    expect(made).toEqual({ n: summary.notifications, failed: 0 });
    expect(made!.n).toBeGreaterThan(0);
  });
});
