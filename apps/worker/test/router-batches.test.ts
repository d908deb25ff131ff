import { DEFAULT_PREFERENCES, getEvent, listEventNotifications, savePreferences, sql } from "@herald/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeEvent } from "../src/router/route-event.ts";
import { createRouterBatches } from "../src/router/router-batches.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

let worker: TestWorker;
beforeAll(async () => {
  // No consumers: the test routes the events itself, all at once, through one set of batches.
  worker = await createTestWorker({ WORKER_CHANNELS: "maintenance" });
  const { db } = worker.deps;
  // Counts INSERT statements on notifications, and fails any row of the user "poison"
  // (a row-specific error, as a bad row would raise, inside a shared statement).
  await db.execute(sql`create table stmt_count (n int not null)`);
  await db.execute(sql`insert into stmt_count values (0)`);
  await db.execute(sql`create function count_stmt() returns trigger language plpgsql as $$
    begin update stmt_count set n = n + 1; return null; end $$`);
  await db.execute(sql`create trigger count_stmt after insert on notifications
    for each statement execute function count_stmt()`);
  await db.execute(sql`create function poison_row() returns trigger language plpgsql as $$
    begin if new.user_id = 'poison' then raise exception 'poisoned row'; end if; return new; end $$`);
  await db.execute(sql`create trigger poison_row before insert on notifications
    for each row execute function poison_row()`);
  // A slow statement (as a flood's 500-row insert, or a lock wait) for the users "slow-*".
  await db.execute(sql`create function slow_row() returns trigger language plpgsql as $$
    begin if new.user_id like 'slow-%' then perform pg_sleep(1); end if; return new; end $$`);
  await db.execute(sql`create trigger slow_row before insert on notifications
    for each row execute function slow_row()`);
});
afterAll(() => worker.close());

describe("the router groups concurrent events into shared statements", () => {
  it("routes 40 concurrent events in a few inserts, each with its own rows, skips and send jobs", async () => {
    const { deps } = worker;
    const users = Array.from({ length: 40 }, (_, i) => `batch-user-${i}`);
    const ids: string[] = [];
    for (const [i, user] of users.entries()) {
      const eventId = await worker.trigger("order_placed", user, { channels: ["email", "sms"] });
      // Every other user turned SMS off: their event records the skip, their neighbours' do not.
      if (i % 2 === 1) {
        const [recipient] = await deps.db.execute<{ id: string }>(
          sql`select id from recipients where external_id = ${user}`,
        );
        await savePreferences(deps.db, recipient!.id, { ...DEFAULT_PREFERENCES, channels: { sms: false } });
      }
      ids.push(eventId);
    }
    await deps.db.execute(sql`update stmt_count set n = 0`);

    const batches = createRouterBatches(deps);
    const outcomes = await Promise.allSettled(ids.map((id) => routeEvent(deps, id, batches)));
    expect(outcomes.every((o) => o.status === "fulfilled")).toBe(true);
    const [count] = await deps.db.execute<{ n: number }>(sql`select n from stmt_count`);
    // One statement per event without grouping; with it, a lone first event, then shared batches.
    expect(count?.n).toBeLessThanOrEqual(6);

    let batched = 0;
    for (const [i, eventId] of ids.entries()) {
      const rows = await listEventNotifications(deps.db, eventId);
      const event = await getEvent(deps.db, eventId);
      expect(event?.status).toBe("routed");
      expect(rows.every((r) => r.userId === users[i])).toBe(true);
      if (i % 2 === 1) {
        expect(rows.map((r) => r.channel)).toEqual(["email"]);
        expect(event?.suppressed).toEqual([{ channel: "sms", reason: "opted_out" }]);
      } else {
        expect(rows.map((r) => r.channel).sort()).toEqual(["email", "sms"]);
        expect(event?.suppressed).toEqual([]);
      }
      for (const r of rows) {
        // Rows routed together share a `send_batch` job that lists them; a lone one has its own.
        const job = await deps.queues.get(r.channel).getJob(r.sendJob ?? r.id);
        if (r.sendJob) expect(job?.data.notificationIds).toContain(r.id);
        else expect(job?.data.notificationId).toBe(r.id);
        batched += r.sendJob ? 1 : 0;
      }
    }
    expect(batched).toBeGreaterThan(40);
  });

  it("re-runs a failed shared statement event by event, so only the event with the bad row fails", async () => {
    const { deps } = worker;
    const good: string[] = [];
    for (let i = 0; i < 10; i++) good.push(await worker.trigger("order_placed", `neighbour-${i}`));
    const poison = await worker.trigger("order_placed", "poison", { channels: ["email"] });
    const batches = createRouterBatches(deps);
    const outcomes = await Promise.allSettled([poison, ...good].map((id) => routeEvent(deps, id, batches)));

    const poisoned = outcomes[0]!;
    expect(poisoned.status).toBe("rejected");
    // The trigger's message, whether drizzle wrapped PostgreSQL's error (as its cause) or not.
    const reason = (poisoned as PromiseRejectedResult).reason as Error;
    expect(`${reason.message} ${String(reason.cause)}`).toContain("poisoned row");
    expect(outcomes.slice(1).every((o) => o.status === "fulfilled")).toBe(true);
    for (const eventId of good) {
      expect((await getEvent(deps.db, eventId))?.status).toBe("routed");
      expect((await listEventNotifications(deps.db, eventId)).length).toBeGreaterThan(0);
    }
    expect(await listEventNotifications(deps.db, poison)).toEqual([]);
    expect((await getEvent(deps.db, poison))?.status).toBe("accepted");
  });

  it("routes a critical event past normal events whose shared inserts are stuck", async () => {
    const { deps } = worker;
    const slow: string[] = [];
    for (let i = 0; i < 6; i++)
      slow.push(await worker.trigger("order_placed", `slow-${i}`, { channels: ["email"] }));
    const critical = await worker.trigger("password_reset", "urgent-user", { channels: ["email"] });
    const batches = createRouterBatches(deps);
    const finished: string[] = [];
    const route = (id: string, urgent: boolean) =>
      routeEvent(deps, id, batches, { urgent }).then(() => finished.push(id));
    // Two waves, so that both of the normal lane's insert slots hold a sleeping statement.
    const normal = slow.slice(0, 3).map((id) => route(id, false));
    await new Promise((r) => setTimeout(r, 150));
    normal.push(...slow.slice(3).map((id) => route(id, false)));
    await new Promise((r) => setTimeout(r, 150));
    await route(critical, true);
    expect(finished).toEqual([critical]);
    // Not one slow row committed yet: the critical insert did not wait for a slot to free up.
    const [done] = await deps.db.execute<{ n: number }>(
      sql`select count(*)::int as n from notifications where user_id like 'slow-%'`,
    );
    expect(done?.n).toBe(0);
    await Promise.all(normal);
    expect(finished).toHaveLength(7);
    expect((await listEventNotifications(deps.db, critical)).map((n) => n.priority)).toEqual(["critical"]);
  });
});
