import {
  addTopicSubscribers,
  createSchedule,
  deleteSchedule,
  getSchedule,
  listEventNotifications,
  type NewSchedule,
  type ScheduleRow,
  upsertRecipient,
} from "@herald/db";
import { addScheduleRun, scheduleRunJobId } from "@herald/jobs";
import { catalog } from "@herald/templates";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSchedule } from "../src/schedules/run-schedule.ts";
import { SCHEDULE_OVERDUE_MS, sweepSchedules } from "../src/schedules/sweep-schedules.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let w: TestWorker;
beforeAll(async () => {
  // The periodic sweep stays out of the way: the tests run it themselves.
  w = await createTestWorker({ DIGEST_SWEEP_INTERVAL: "1h" });
});
afterAll(() => w.close());

const promo = catalog.weekly_promo.example as Record<string, unknown>;

/** A user schedule due at `nextRunAt` (a daily one unless `rule` says otherwise), with no job yet. */
async function schedule(
  userId: string,
  nextRunAt: Date,
  extra: Partial<NewSchedule> = {},
): Promise<ScheduleRow> {
  const r = await upsertRecipient(w.deps.db, userId, { email: `${userId}@example.com` });
  const { row } = await createSchedule(w.deps.db, {
    type: "weekly_promo",
    userId,
    recipientId: r.id,
    data: promo,
    rule: { frequency: "daily", at: "00:00" },
    timezone: "UTC",
    nextRunAt,
    ...extra,
  });
  return row;
}

/** The events a schedule's runs created. */
const eventsOf = (id: string) =>
  w.db.sql<{ id: string; status: string; idempotency_key: string }[]>`
    select id, status, idempotency_key from events where schedule_id = ${id} order by id`;

const jobState = (id: string, runAt: Date) =>
  w.deps.queues.get("digest").getJobState(scheduleRunJobId(id, runAt));

/** Waits until the schedule has run `runs` times, explaining the row and its events if it does not. */
const ranTimes = (id: string, runs: number) =>
  eventually(
    async () => {
      const s = await getSchedule(w.deps.db, id);
      return s && s.runs === runs ? s : null;
    },
    { explain: async () => ({ schedule: await getSchedule(w.deps.db, id), events: await eventsOf(id) }) },
  );

describe("schedule runs", () => {
  it("a due run creates one event, routed to notifications, and queues the next run", async () => {
    const now = new Date();
    const s = await schedule("sch-w-due", now);
    await addScheduleRun(w.deps.queues, s.id, now, now);
    const after = await ranTimes(s.id, 1);
    const events = await eventsOf(s.id);
    expect(events).toHaveLength(1);
    expect(after).toMatchObject({ lastEventId: events[0]!.id, lastRunAt: now });
    // Daily at 00:00 UTC: the next run is the coming midnight.
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    expect(after.nextRunAt).toEqual(midnight);
    expect(await jobState(s.id, midnight)).toBe("delayed");
    const notifications = await eventually(
      async () => {
        const rows = await listEventNotifications(w.deps.db, events[0]!.id);
        return rows.length > 0 ? rows : null;
      },
      { explain: () => eventsOf(s.id) },
    );
    expect(notifications.map((n) => n.userId)).toContain("sch-w-due");
  });

  it("a duplicated or repeated run creates one event", async () => {
    const runAt = new Date(Date.now() - 1000);
    const s = await schedule("sch-w-dup", runAt);
    // Two attempts at once, as a duplicated job would make.
    const results = await Promise.all([runSchedule(w.deps, s.id, runAt), runSchedule(w.deps, s.id, runAt)]);
    expect(results.map((r) => r.kind).sort()).toEqual(expect.arrayContaining(["ran"]));
    expect((await eventsOf(s.id)).length).toBe(1);
    // The same run again, as a job under another id, and the handler once more.
    await w.deps.queues.add(
      "digest",
      "schedule_run",
      { scheduleId: s.id, runAt: runAt.getTime() },
      { jobId: `${s.id}-again` },
    );
    expect(await runSchedule(w.deps, s.id, runAt)).toEqual({ kind: "not_due" });
    await eventually(
      async () => (await w.deps.queues.get("digest").getJobState(`${s.id}-again`)) === "completed",
    );
    expect((await eventsOf(s.id)).length).toBe(1);
    expect((await getSchedule(w.deps.db, s.id))!.runs).toBe(1);
  });

  it("a crash between the event and the advance runs once on the retry", async () => {
    const runAt = new Date(Date.now() - 1000);
    const s = await schedule("sch-w-crash", runAt);
    // What a first attempt left: its event, no advance (it died in between).
    await runSchedule(w.deps, s.id, runAt);
    await w.db
      .sql`update schedules set runs = 0, next_run_at = ${runAt.toISOString()}, last_event_id = null where id = ${s.id}`;
    expect(await runSchedule(w.deps, s.id, runAt)).toMatchObject({ kind: "ran" });
    expect((await eventsOf(s.id)).length).toBe(1);
  });

  it("a paused or deleted schedule creates nothing", async () => {
    const runAt = new Date(Date.now() - 1000);
    const paused = await schedule("sch-w-paused", runAt, { pausedAt: new Date() });
    expect(await runSchedule(w.deps, paused.id, runAt)).toEqual({ kind: "paused" });
    // Deleted after its run was queued: the job finds no row.
    const deleted = await schedule("sch-w-deleted", runAt);
    await deleteSchedule(w.deps.db, deleted.id);
    await addScheduleRun(w.deps.queues, deleted.id, runAt, new Date());
    const job = await eventually(
      async () => {
        const j = await w.deps.queues.get("digest").getJob(scheduleRunJobId(deleted.id, runAt));
        return j?.finishedOn ? j : null;
      },
      { explain: () => jobState(deleted.id, runAt) },
    );
    expect(job.returnvalue).toEqual({ kind: "gone" });
    expect([...(await eventsOf(paused.id)), ...(await eventsOf(deleted.id))]).toEqual([]);
  });

  it("ends after maxRuns", async () => {
    const runAt = new Date(Date.now() - 1000);
    const s = await schedule("sch-w-max", runAt, { maxRuns: 1 });
    expect(await runSchedule(w.deps, s.id, runAt)).toMatchObject({ kind: "ran", nextRunAt: null });
    expect(await getSchedule(w.deps.db, s.id)).toMatchObject({ runs: 1, nextRunAt: null });
  });

  it("runs once for the latest of several missed occurrences, then goes on from now", async () => {
    const now = new Date();
    const day = 86_400_000;
    // Due at midnight three days ago: the system was down since.
    const missedFrom = new Date(Math.floor(now.getTime() / day) * day - 3 * day);
    const s = await schedule("sch-w-missed", missedFrom, {
      createdAt: new Date(missedFrom.getTime() - 7 * day),
    });
    expect(await runSchedule(w.deps, s.id, missedFrom)).toMatchObject({ kind: "ran" });
    const after = (await getSchedule(w.deps.db, s.id))!;
    expect(after.lastRunAt).toEqual(new Date(Math.floor(now.getTime() / day) * day));
    expect(after.nextRunAt).toEqual(new Date(Math.floor(now.getTime() / day) * day + day));
    expect((await eventsOf(s.id)).length).toBe(1);
  });

  it("fans a topic schedule out to the subscribers", async () => {
    await addTopicSubscribers(w.deps.db, "sch.w.topic", [
      { userId: "sch-w-t1", fields: { email: "t1@example.com" } },
      { userId: "sch-w-t2", fields: { email: "t2@example.com" } },
    ]);
    const runAt = new Date(Date.now() - 1000);
    const { row: s } = await createSchedule(w.deps.db, {
      type: "weekly_promo",
      topic: "sch.w.topic",
      data: promo,
      rule: { frequency: "weekly", days: ["mon"], at: "09:00" },
      nextRunAt: runAt,
    });
    const ran = await runSchedule(w.deps, s.id, runAt);
    expect(ran.kind).toBe("ran");
    const eventId = (ran as { eventId: string }).eventId;
    const users = await eventually(
      async () => {
        const rows = await w.db.sql<{ user_id: string }[]>`
          select distinct user_id from notifications where event_id = ${eventId} order by user_id`;
        return rows.length === 2 ? rows.map((r) => r.user_id) : null;
      },
      { explain: () => w.db.sql`select id, status, error from events where id = ${eventId}` },
    );
    expect(users).toEqual(["sch-w-t1", "sch-w-t2"]);
  });
});

describe("schedule sweep", () => {
  it("re-adds the job of a run overdue by more than a minute, which then runs once", async () => {
    const lostAt = new Date(Date.now() - SCHEDULE_OVERDUE_MS - 5000);
    const s = await schedule("sch-w-lost", lostAt);
    // Its job existed (added while it was still ahead, so it waits delayed), and Redis lost it.
    await addScheduleRun(w.deps.queues, s.id, lostAt, new Date(lostAt.getTime() - 600_000));
    expect(await jobState(s.id, lostAt)).toBe("delayed");
    await w.deps.queues.get("digest").remove(scheduleRunJobId(s.id, lostAt));
    expect(await jobState(s.id, lostAt)).toBe("unknown");
    const recent = await schedule("sch-w-recent", new Date(Date.now() - 1000));
    const swept = await sweepSchedules(w.deps);
    expect(swept.readded).toBeGreaterThanOrEqual(1);
    await ranTimes(s.id, 1);
    expect((await eventsOf(s.id)).length).toBe(1);
    // A run due a second ago is not the sweep's yet (its job may be on its way).
    expect(await jobState(recent.id, recent.nextRunAt!)).toBe("unknown");
    // Advanced: nothing overdue any more, a second sweep adds nothing for it.
    const overdue = await w.db.sql`select id from schedules where id = ${s.id} and next_run_at < now()`;
    expect(overdue).toHaveLength(0);
    await sweepSchedules(w.deps);
    expect((await eventsOf(s.id)).length).toBe(1);
  });
});
