import { addTopicSubscribers, fanoutSummary, getEvent, insertEvents, sql } from "@herald/db";
import { catalog } from "@herald/templates";
import { eventually, type FaultStack, startFaultStack } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StackClient, stackClient } from "./stack-client.ts";

const SUBSCRIBERS = 3000;

let stack: FaultStack;
let client: StackClient;
beforeAll(async () => {
  stack = await startFaultStack("fanout-crash");
  client = stackClient(stack);
});
afterAll(async () => {
  client?.close();
  await stack?.stop();
});

async function counts(eventId: string) {
  const [row] = await stack.db.db.execute<{
    total: number;
    distinct: number;
    sent: number;
    outbox: number;
  }>(sql`
    select count(*)::int as total,
           count(distinct (recipient_id, channel))::int as distinct,
           count(*) filter (where status = 'SENT')::int as sent,
           (select count(distinct o.notification_id)::int from outbox_messages o
              join notifications m on m.id = o.notification_id where m.event_id = ${eventId}) as outbox
    from notifications where event_id = ${eventId}`);
  return row!;
}

describe("a worker process killed in the middle of a fan-out", () => {
  it("leaves its pages to another worker: every subscriber gets exactly one notification, all sent", async () => {
    const db = stack.db.db;
    for (let i = 0; i < SUBSCRIBERS; i += 1000) {
      await addTopicSubscribers(
        db,
        "crash-topic",
        Array.from({ length: 1000 }, (_, k) => ({
          userId: `c-${i + k}`,
          fields: { email: `c-${i + k}@example.com` },
        })),
      );
    }
    const [row] = await insertEvents(db, [
      {
        type: "weekly_promo",
        userId: null,
        topic: "crash-topic",
        data: catalog.weekly_promo.example,
        priority: "low",
      },
    ]);
    const eventId = row!.event.id;
    // Small pages, one at a time: the fan-out lasts long enough to be cut in the middle.
    const slow = { FANOUT_PAGE_SIZE: "50", FANOUT_PAGE_CONCURRENCY: "1", EVENTS_CONCURRENCY: "1" };
    const doomed = await stack.spawnWorker(slow);
    await client.queues.add("events", "route", { eventId }, { jobId: eventId });
    await eventually(
      async () => ((await fanoutSummary(db, eventId)).pagesDone >= 5 ? true : null),
      30_000,
      10,
    );
    const active = (await client.queues.get("events").getJobs(["active"])).map((j) => j.id!);
    await doomed.kill();
    const cut = await fanoutSummary(db, eventId);
    const doneAtCut = new Set(
      (
        await db.execute<{ page: number }>(
          sql`select page from fanout_pages where event_id = ${eventId} and done_at is not null`,
        )
      ).map((r) => r.page),
    );
    expect(cut.pagesDone).toBeLessThan(cut.pages);
    expect((await getEvent(db, eventId))?.status).toBe("accepted");

    const rescuer = await stack.spawnWorker();
    const event = await eventually(async () => {
      const e = await getEvent(db, eventId);
      return e?.status === "routed" ? e : null;
    }, 60_000);
    expect(event.fanoutPages).toBe(SUBSCRIBERS / 50 + 1);
    expect(await fanoutSummary(db, eventId)).toMatchObject({
      pagesDone: SUBSCRIBERS / 50 + 1,
      recipients: SUBSCRIBERS,
      notifications: SUBSCRIBERS,
    });
    const done = await eventually(async () => {
      const c = await counts(eventId);
      return c.sent === SUBSCRIBERS && c.outbox === SUBSCRIBERS ? c : null;
    }, 60_000);
    expect(done).toMatchObject({ total: SUBSCRIBERS, distinct: SUBSCRIBERS });
    // A page that was running when the process died was taken over as a stalled job, not re-created
    // (unless it finished in the moment between listing the active jobs and the kill).
    for (const id of active.filter((j) => j.includes("-p"))) {
      const page = Number(id.split("-p")[1]);
      const stalled = (await client.queues.get("events").getJob(id))?.stalledCounter ?? 0;
      expect(doneAtCut.has(page) || stalled >= 1, `${id} stalled ${stalled}`).toBe(true);
    }
    await rescuer.stop();
  }, 180_000);
});
