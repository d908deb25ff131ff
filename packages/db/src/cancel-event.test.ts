import { newId } from "@herald/ids";
import { eventually, type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelEvent } from "./cancel-event.ts";
import { claimDedupKey } from "./dedup.ts";
import { addDigestItems, openDigest } from "./digests.ts";
import { insertEvents } from "./events.ts";
import { insertNotifications, type NewNotification } from "./notifications.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 4 });
});
afterAll(() => h?.drop());

async function newEvent(): Promise<string> {
  const [inserted] = await insertEvents(h.db, [
    { type: "order_placed", userId: "ada", data: {}, priority: "normal" },
  ]);
  return inserted!.event.id;
}

let recipients = 0;
/** A router's row for `eventId`, to a recipient of its own (rows are unique per event × recipient × channel). */
function row(
  eventId: string,
  status: NewNotification["status"] = "QUEUED",
  reason?: string,
): NewNotification {
  return {
    id: newId("ntf"),
    eventId,
    recipientId: `usr_${String(++recipients).padStart(6, "0")}`,
    userId: "ada",
    type: "order_placed",
    category: "transactional",
    channel: "email",
    priority: "normal",
    status,
    ...(reason ? { reason } : {}),
    content: { channel: "email", subject: "s", html: "h", text: "t" },
  };
}

const statusOf = async (id: string) =>
  (await h.sql<{ status: string }[]>`select status from notifications where id = ${id}`)[0]?.status;
const countOf = async (eventId: string) =>
  (await h.sql<{ n: number }[]>`select count(*)::int as n from notifications where event_id = ${eventId}`)[0]!
    .n;

/**
 * Until `statement` waits on a lock held by the test's open transaction (a
 * backend of this database waits on one), or is done without waiting.
 */
const blockedOrDone = (statement: Promise<unknown>) =>
  Promise.race([
    statement,
    eventually(async () => {
      const [r] = await h.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`;
      return r!.n > 0;
    }),
  ]);

describe("cancelEvent", () => {
  it("cancels what has not been sent, in batches, leaves the rest, and answers a repeat the same", async () => {
    const eventId = await newEvent();
    const pending = [row(eventId, "PENDING"), row(eventId, "SCHEDULED"), row(eventId, "QUEUED")];
    const retrying = row(eventId, "FAILED");
    // Dead letters an operator could retry (one by one, or "retry all" after an outage).
    const dead = [row(eventId, "FAILED", "permanent_error"), row(eventId, "DEAD")];
    const kept = [row(eventId, "SENT"), row(eventId, "DELIVERED"), row(eventId, "SUPPRESSED", "opted_out")];
    await insertNotifications(h.db, [...pending, retrying, ...dead, ...kept]);
    const open = await openDigest(h.db, {
      recipientId: "usr_digest_open",
      userId: "ada",
      channel: "email",
      flushAt: new Date(Date.now() + 3_600_000),
    });
    const gone = await openDigest(h.db, {
      recipientId: "usr_digest_gone",
      userId: "ada",
      channel: "email",
      flushAt: new Date(Date.now() + 3_600_000),
    });
    const [waiting] = (await addDigestItems(
      h.db,
      open.id,
      [{ ...row(eventId), recipientId: "usr_digest_open" }],
      new Date(),
    ))!;
    const [flushed] = (await addDigestItems(
      h.db,
      gone.id,
      [{ ...row(eventId), recipientId: "usr_digest_gone" }],
      new Date(),
    ))!;
    await h.sql`update digests set status = 'sent' where id = ${gone.id}`;

    // Batches of 2: the keyset walks past each batch to the next.
    const first = await cancelEvent(h.db, eventId, { by: "test" }, 2);
    expect(first!.event.canceledAt).toBeInstanceOf(Date);
    const expected = [...pending, retrying, ...dead].map((n) => n.id!).concat(waiting!.id);
    expect(first!.canceled.map((n) => n.id).sort()).toEqual(expected.sort());
    // What names the frequency-cap slot the API gives back.
    expect(first!.canceled.find((n) => n.id === retrying.id)).toMatchObject({
      recipientId: retrying.recipientId,
      category: "transactional",
      channel: "email",
    });
    for (const id of expected) expect(await statusOf(id)).toBe("CANCELED");
    for (const n of kept) expect(await statusOf(n.id!)).toBe(n.status);
    expect(await statusOf(flushed!.id)).toBe("DIGESTED");
    const timeline = await h.sql<{ detail: unknown }[]>`
      select detail from notification_timeline where notification_id = ${retrying.id!} and status = 'CANCELED'`;
    expect(timeline.map((t) => t.detail)).toEqual([{ by: "test" }]);

    const again = await cancelEvent(h.db, eventId, { by: "test" });
    expect(again!.event.canceledAt).toEqual(first!.event.canceledAt);
    expect(again!.canceled).toEqual([]);
    expect(await cancelEvent(h.db, "evt_unknown", { by: "test" })).toBeNull();
  });
});

describe("cancelEvent and the event's dedup claims", () => {
  const WINDOW = 600_000;
  const claim = (key: string, eventId: string) => claimDedupKey(h.db, key, eventId, new Date(), WINDOW);
  const owner = async (key: string) =>
    (await h.sql<{ event_id: string }[]>`select event_id from dedup_keys where key_hash = ${key}`)[0]
      ?.event_id;

  it("releases them when nothing of the event went out: the same key can be used again at once", async () => {
    const eventId = await newEvent();
    expect(await claim("k-unsent-a", eventId)).toBe(eventId);
    expect(await claim("k-unsent-b", eventId)).toBe(eventId); // a topic event: one per recipient
    const other = await newEvent();
    expect(await claim("k-other", other)).toBe(other);
    await insertNotifications(h.db, [row(eventId, "SCHEDULED"), row(eventId, "SUPPRESSED", "opted_out")]);

    await cancelEvent(h.db, eventId, { by: "test" });
    expect(await owner("k-unsent-a")).toBeUndefined();
    expect(await owner("k-unsent-b")).toBeUndefined();
    expect(await owner("k-other")).toBe(other);
    const again = await newEvent();
    expect(await claim("k-unsent-a", again)).toBe(again);
  });

  it("keeps them once one of its notifications went out, directly or in a digest", async () => {
    const partly = await newEvent();
    expect(await claim("k-partly", partly)).toBe(partly);
    await insertNotifications(h.db, [row(partly, "SENT"), row(partly, "SCHEDULED")]);
    await cancelEvent(h.db, partly, { by: "test" });
    expect(await owner("k-partly")).toBe(partly);

    const digested = await newEvent();
    expect(await claim("k-digested", digested)).toBe(digested);
    const gone = await openDigest(h.db, {
      recipientId: "usr_digest_claim",
      userId: "ada",
      channel: "email",
      flushAt: new Date(Date.now() + 3_600_000),
    });
    await addDigestItems(h.db, gone.id, [{ ...row(digested), recipientId: "usr_digest_claim" }], new Date());
    await h.sql`update digests set status = 'sent' where id = ${gone.id}`;
    await insertNotifications(h.db, [row(digested, "QUEUED")]);
    await cancelEvent(h.db, digested, { by: "test" });
    expect(await owner("k-digested")).toBe(digested);
    expect(await claim("k-digested", await newEvent())).toBe(digested);
  });
});

describe("the router's inserts for a canceled event", () => {
  it("insert nothing for it, and still insert the other events' rows of the statement", async () => {
    const [canceled, live] = [await newEvent(), await newEvent()];
    await cancelEvent(h.db, canceled, { by: "test" });
    const created = await insertNotifications(h.db, [row(canceled), row(live), row(canceled, "SCHEDULED")]);
    expect(created.map((n) => n.eventId)).toEqual([live]);
    expect(await countOf(canceled)).toBe(0);

    const digest = await openDigest(h.db, {
      recipientId: "usr_digest_later",
      userId: "ada",
      channel: "email",
      flushAt: new Date(Date.now() + 3_600_000),
    });
    const filed = await addDigestItems(
      h.db,
      digest.id,
      [{ ...row(canceled), recipientId: "usr_digest_later" }],
      new Date(),
    );
    expect(filed).toEqual([]);
    expect(await countOf(canceled)).toBe(0);
  });

  it("wait for a cancel in flight and then insert nothing", async () => {
    const eventId = await newEvent();
    let insert: Promise<unknown> | undefined;
    // The cancel's UPDATE, not committed yet, while a router inserts the event's rows.
    await h.sql.begin(async (tx) => {
      await tx`update events set canceled_at = now() where id = ${eventId}`;
      insert = insertNotifications(h.db, [row(eventId), row(eventId, "SCHEDULED")]);
      await blockedOrDone(insert);
    });
    expect(await insert).toEqual([]);
    expect(await countOf(eventId)).toBe(0);
  });

  it("make a cancel wait for them, and the cancel then cancels what they inserted", async () => {
    const eventId = await newEvent();
    const rows = [row(eventId), row(eventId, "SCHEDULED")];
    let cancel: ReturnType<typeof cancelEvent> | undefined;
    // The router's insert, not committed yet, while the app cancels.
    await h.db.transaction(async (tx) => {
      expect(await insertNotifications(tx as unknown as typeof h.db, rows)).toHaveLength(2);
      cancel = cancelEvent(h.db, eventId, { by: "test" });
      await blockedOrDone(cancel);
    });
    expect((await cancel)!.canceled.map((n) => n.id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const r of rows) expect(await statusOf(r.id!)).toBe("CANCELED");
  });

  it("file no digest item once a cancel in flight commits", async () => {
    const eventId = await newEvent();
    const digest = await openDigest(h.db, {
      recipientId: "usr_digest_race",
      userId: "ada",
      channel: "email",
      flushAt: new Date(Date.now() + 3_600_000),
    });
    let filed: Promise<unknown> | undefined;
    await h.sql.begin(async (tx) => {
      await tx`update events set canceled_at = now() where id = ${eventId}`;
      filed = addDigestItems(
        h.db,
        digest.id,
        [{ ...row(eventId), recipientId: "usr_digest_race" }],
        new Date(),
      );
      await blockedOrDone(filed);
    });
    expect(await filed).toEqual([]);
    expect(await countOf(eventId)).toBe(0);
  });
});
