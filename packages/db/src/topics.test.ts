import { eventually, type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTopicSubscribers, deleteTopic, getTopic, listTopics } from "./topics.ts";

let h: TestDatabase;
beforeAll(async () => {
  // The lock holder, the subscription, the delete and the test's own look at pg_stat_activity.
  h = await testDatabase({ max: 5 });
});
afterAll(() => h?.drop());

/** How many of this database's sessions wait for a lock. */
async function waitingForLocks(): Promise<number> {
  const [row] = await h.sql<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`;
  return row!.n;
}

describe("deleteTopic racing a subscription to the same topic", () => {
  it("waits for the subscription, then deletes it with the topic, instead of the subscription failing on the foreign key", async () => {
    await addTopicSubscribers(h.db, "racing", [{ userId: "race-0" }]);
    // Pause the subscription between its topic check and its inserts: the recipients insert that
    // comes next waits for this lock.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = h.sql.begin(async (tx) => {
      await tx`lock table recipients in share mode`;
      locked();
      await released;
    });
    await isLocked;
    const subscribing = addTopicSubscribers(h.db, "racing", [{ userId: "race-1" }]);
    subscribing.catch(() => {});
    await eventually(async () => ((await waitingForLocks()) >= 1 ? true : null));
    const deleting = deleteTopic(h.db, "racing");
    deleting.catch(() => {});
    // The delete either ends at once (nothing holds the topic) or waits for the subscription.
    await Promise.race([
      deleting.catch(() => {}),
      eventually(async () => ((await waitingForLocks()) >= 2 ? true : null)),
    ]);
    release();
    await holder;

    await expect(subscribing).resolves.toMatchObject({ added: 1 });
    expect(await deleting).toEqual({ subscribers: 2 });
    expect(await getTopic(h.db, "racing")).toBeNull();
    const [left] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from topic_subscribers where topic_key = 'racing'`;
    expect(left!.n).toBe(0);
  });

  it("answers null for a topic that does not exist, and a subscription after a delete creates it afresh", async () => {
    expect(await deleteTopic(h.db, "never-there")).toBeNull();
    await addTopicSubscribers(h.db, "again", [{ userId: "again-1" }, { userId: "again-2" }]);
    expect(await deleteTopic(h.db, "again")).toEqual({ subscribers: 2 });
    expect(await deleteTopic(h.db, "again")).toBeNull();
    await addTopicSubscribers(h.db, "again", [{ userId: "again-3" }]);
    expect(await getTopic(h.db, "again")).toMatchObject({ key: "again", subscriberCount: 1 });
  });
});

describe("listTopics with a prefix", () => {
  it("bounds the keys by the prefix exactly, with `%`, `_` and `\\` as plain characters", async () => {
    const keys = ["p_x", "pax", "p_x.2", "p~", "p~~", "q", "p", "p%"];
    for (const key of keys.filter((k) => /^[a-z0-9][a-z0-9._:-]*$/.test(k)))
      await addTopicSubscribers(h.db, key, [{ userId: "prefix-user" }]);
    // Keys the API would refuse, written directly: the bounds must hold at the printable edge (`~`).
    await h.sql`insert into topics (key) values ('p~'), ('p~~'), ('p%')`;
    const list = async (prefix: string) =>
      (await listTopics(h.db, { prefix, afterKey: null, limit: 100 })).map((t) => t.key);
    expect(await list("p_")).toEqual(["p_x", "p_x.2"]);
    expect(await list("p%")).toEqual(["p%"]);
    expect(await list("p~")).toEqual(["p~", "p~~"]);
    expect(await list("p\\")).toEqual([]);
    expect(await list("p")).toEqual(["p", "p%", "p_x", "p_x.2", "pax", "p~", "p~~"]);
    expect(await listTopics(h.db, { prefix: "p", afterKey: "p_x", limit: 2 })).toMatchObject([
      { key: "p_x.2" },
      { key: "pax" },
    ]);
  });
});

describe("addTopicSubscribers' lock order", () => {
  it("creates new users in user id order, so a transaction creating some of them waits instead of deadlocking", async () => {
    let subscribing: Promise<unknown> | undefined;
    await h.sql.begin(async (tx) => {
      await tx`insert into recipients (id, external_id) values ('usr_lock_a', 'lock-a')`;
      // Given "lock-z" first: in that order the subscription would hold lock-z while it waits for lock-a.
      subscribing = addTopicSubscribers(h.db, "lock-order", [{ userId: "lock-z" }, { userId: "lock-a" }]);
      subscribing.catch(() => {});
      await eventually(async () => ((await waitingForLocks()) >= 1 ? true : null));
      await tx`insert into recipients (id, external_id) values ('usr_lock_z', 'lock-z')`;
    });
    await expect(subscribing).resolves.toMatchObject({ added: 2 });
  });
});
