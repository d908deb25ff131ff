import { getEvent } from "@herald/db";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reaches } from "./policy-kit.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

const LOCK = 4242;
let w: TestWorker;
beforeAll(async () => {
  // Two routing slots per process, so two stuck jobs fill them.
  w = await createTestWorker({ WORKER_CHANNELS: "events,email", EVENTS_CONCURRENCY: "2" });
  // Routing a "held-…" user's notifications waits for an advisory lock the test holds.
  await w.db.sql.unsafe(`
    create function held_insert() returns trigger language plpgsql as $$
    begin if new.user_id like 'held-%' then perform pg_advisory_xact_lock_shared(${LOCK}); end if; return new; end $$;
    create trigger held_insert before insert on notifications for each row execute function held_insert();`);
});
afterAll(() => w?.close());

describe("the critical lane", () => {
  it("routes and sends a password reset while every routing slot holds a normal job that cannot finish", async () => {
    const holder = await w.db.sql.reserve();
    await holder`select pg_advisory_lock(${LOCK})`;
    try {
      const stuck = [];
      for (let i = 0; i < 4; i++)
        stuck.push(await w.trigger("order_placed", `held-${i}`, { channels: ["email"] }));
      const normalLane = w.deps.queues.get("events");
      await eventually(async () => (await normalLane.getJobCounts("active")).active === 2);

      const reset = await w.trigger("password_reset", "alice", { channels: ["email"] });
      expect(w.deps.queues.get("events", "critical").name).toBe("{events_critical}");
      const sent = await reaches(w, reset, "email", "SENT");
      expect(sent.priority).toBe("critical");

      // The normal jobs were stuck all along: none of their events is routed yet.
      for (const id of stuck) expect((await getEvent(w.deps.db, id))!.status).toBe("accepted");
      expect((await normalLane.getJobCounts("active")).active).toBe(2);
    } finally {
      await holder`select pg_advisory_unlock(${LOCK})`;
      holder.release();
    }
  }, 30_000);

  it("lets the stuck normal work finish once it can", async () => {
    await eventually(async () => {
      const rows = await w.db.sql<{ n: number }[]>`
        select count(*)::int as n from events where user_id like 'held-%' and status = 'routed'`;
      return rows[0]!.n === 4;
    }, 20_000);
  });
});

describe("WORKER_LANES", () => {
  it("lets a process serve only the critical lanes, or everything but them", async () => {
    const critical = await createTestWorker({
      WORKER_CHANNELS: "events,email,digest",
      WORKER_LANES: "critical",
    });
    const normal = await createTestWorker({ WORKER_CHANNELS: "events,email,digest", WORKER_LANES: "normal" });
    try {
      expect([...critical.running.workers.keys()].sort()).toEqual(["email_critical", "events_critical"]);
      expect([...normal.running.workers.keys()].sort()).toEqual(["digest", "email", "events"]);
    } finally {
      await critical.close();
      await normal.close();
    }
  });
});
