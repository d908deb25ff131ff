import { getEvent, listEventNotifications, sql } from "@herald/db";
import { eventually } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcile } from "../src/reliability/reconcile.ts";
import { acceptGroup } from "./accept-group.ts";
import { createTestWorker, type TestWorker } from "./test-worker.ts";

describe("a route group (events accepted together, one job)", () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await createTestWorker();
    // Fails the notification insert of user "flaky" twice (the shared statement, then its
    // re-run alone), then lets it through: a transient error inside one event of a group.
    await w.deps.db.execute(sql`create sequence flaky_seq`);
    await w.deps.db.execute(sql`create function flaky_row() returns trigger language plpgsql as $$
      begin
        if new.user_id = 'flaky' and nextval('flaky_seq') <= 2 then raise exception 'flaky row'; end if;
        return new;
      end $$`);
    await w.deps.db.execute(sql`create trigger flaky_row before insert on notifications
      for each row execute function flaky_row()`);
  });
  afterAll(() => w?.close());

  it("routes every event of the group through one job, and records the group on each event", async () => {
    const { groupId, ids } = await acceptGroup(
      w,
      Array.from({ length: 12 }, (_, i) => ({ userId: `group-user-${i}` })),
    );
    await eventually(async () => {
      const job = await w.deps.queues.get("events").getJob(groupId);
      return (await job?.isCompleted()) ?? false;
    });
    for (const id of ids) {
      const event = await getEvent(w.deps.db, id);
      expect(event?.status).toBe("routed");
      expect(event?.routeJob).toBe(groupId);
      const rows = await listEventNotifications(w.deps.db, id);
      expect(rows.map((r) => r.channel)).toEqual(["email"]);
    }
    const job = await w.deps.queues.get("events").getJob(groupId);
    expect(job?.returnvalue).toEqual({ routed: 12, failed: 0 });
  });

  it("marks an event that can never be routed failed, and routes the rest of its group", async () => {
    const { groupId, ids } = await acceptGroup(w, [
      { userId: "fine-1" },
      { userId: "unknown-type", type: "no_such_type" },
      { userId: "fine-2" },
    ]);
    await eventually(async () => {
      const job = await w.deps.queues.get("events").getJob(groupId);
      return (await job?.isCompleted()) ?? false;
    });
    const [fine1, bad, fine2] = await Promise.all(ids.map((id) => getEvent(w.deps.db, id)));
    expect([fine1?.status, bad?.status, fine2?.status]).toEqual(["routed", "failed", "routed"]);
    expect(bad?.error).toContain("no_such_type");
    const job = await w.deps.queues.get("events").getJob(groupId);
    expect(job?.returnvalue).toEqual({ routed: 2, failed: 1 });
  });

  it("retries the group after a transient failure of one event; nothing is created twice", async () => {
    const { groupId, ids } = await acceptGroup(w, [
      { userId: "steady-1" },
      { userId: "flaky" },
      { userId: "steady-2" },
    ]);
    await eventually(async () => {
      const job = await w.deps.queues.get("events").getJob(groupId);
      return (await job?.isCompleted()) ?? false;
    }, 15_000);
    const job = await w.deps.queues.get("events").getJob(groupId);
    // The first run failed (flaky's insert, twice), the retry finished the group.
    expect(job?.attemptsMade).toBe(2);
    for (const id of ids) {
      expect((await getEvent(w.deps.db, id))?.status).toBe("routed");
      expect((await listEventNotifications(w.deps.db, id)).length).toBe(1);
    }
  });
});

describe("the reconciler and route groups", () => {
  let w: TestWorker;
  beforeAll(async () => {
    // Nothing consumes the events queue: the group's job stays waiting, or is gone.
    w = await createTestWorker({ WORKER_CHANNELS: "maintenance", RECONCILE_AFTER_MS: "1" });
  });
  afterAll(() => w?.close());

  it("leaves events whose group job is waiting alone, and gives each a route job once the group's is gone", async () => {
    const { groupId, ids } = await acceptGroup(w, [{ userId: "rec-1" }, { userId: "rec-2" }]);
    await new Promise((r) => setTimeout(r, 20));
    const events = w.deps.queues.get("events");

    expect((await reconcile(w.deps)).requeuedEvents).toBe(0);

    await (await events.getJob(groupId))!.remove();
    expect((await reconcile(w.deps)).requeuedEvents).toBe(2);
    for (const id of ids) {
      const job = await events.getJob(id);
      expect(job?.name).toBe("route");
      expect(job?.data).toEqual({ eventId: id });
    }
    // Now each event's own job is found: nothing more to do.
    expect((await reconcile(w.deps)).requeuedEvents).toBe(0);
  });

  it("gives an event whose group job was never enqueued a route job of its own", async () => {
    const { ids } = await acceptGroup(w, [{ userId: "lost-1" }], { enqueue: false });
    await new Promise((r) => setTimeout(r, 20));
    expect((await reconcile(w.deps)).requeuedEvents).toBe(1);
    expect((await w.deps.queues.get("events").getJob(ids[0]!))?.name).toBe("route");
  });
});
