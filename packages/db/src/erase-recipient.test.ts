import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDigest } from "./digests.ts";
import { eraseRecipient } from "./erase-recipient.ts";
import { recordFanoutMisses } from "./fanout.ts";
import { getRecipient, upsertRecipient } from "./recipients.ts";
import { addTopicSubscribers, listTopicSubscribers } from "./topics.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 2 });
});
afterAll(() => h?.drop());

let seq = 0;
async function insertNotification(
  user: { id: string; externalId: string },
  status: string,
  extra: { reason?: string; digestId?: string; lastError?: string } = {},
): Promise<string> {
  const id = `ntf_${user.externalId}_${String(++seq).padStart(3, "0")}`;
  await h.sql`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status,
      reason, content, digest_id, last_error)
    values (${id}, ${`evt_${id}`}, ${user.id}, ${user.externalId}, 'order_placed', 'transactional', 'in_app',
      'normal', ${status}, ${extra.reason ?? null}, '{"channel":"in_app","title":"Hi Erin"}'::json,
      ${extra.digestId ?? null}, ${extra.lastError ?? null})`;
  await h.sql`insert into notification_timeline (notification_id, status, detail)
    values (${id}, ${status}, ${extra.lastError ? JSON.stringify({ error: extra.lastError }) : null}::jsonb)`;
  return id;
}

const rowsOf = (ids: string[]) =>
  h.sql<
    {
      id: string;
      status: string;
      reason: string | null;
      user_id: string;
      content: unknown;
      last_error: string | null;
    }[]
  >`
    select id, status, reason, user_id, content, last_error from notifications
    where id = any(${ids}::text[]) order by id`;

describe("eraseRecipient", () => {
  it("cancels what is not sent yet or an operator could retry, with a timeline entry, and leaves the rest", async () => {
    const erin = await upsertRecipient(h.db, "erin", { email: "erin@example.com" });
    const open = await openDigest(h.db, {
      recipientId: erin.id,
      userId: "erin",
      channel: "in_app",
      flushAt: new Date("2030-01-01T09:00:00Z"),
    });
    const flushed = await openDigest(h.db, {
      recipientId: erin.id,
      userId: "erin",
      channel: "in_app",
      flushAt: new Date("2020-01-01T09:00:00Z"),
    });
    await h.sql`update digests set status = 'sent' where id = ${flushed.id}`;
    const unsent = [
      await insertNotification(erin, "PENDING"),
      await insertNotification(erin, "SCHEDULED", { reason: "quiet_hours" }),
      await insertNotification(erin, "QUEUED"),
      await insertNotification(erin, "FAILED", { lastError: "erin@example.com: mailbox full" }),
      await insertNotification(erin, "DIGESTED", { digestId: open.notificationId }),
      // Dead letters: the dead-letter routes would otherwise send them again to whoever holds the id.
      await insertNotification(erin, "DEAD", {
        reason: "retries_exhausted",
        lastError: "erin@example.com: 503",
      }),
      await insertNotification(erin, "FAILED", { reason: "permanent_error" }),
      await insertNotification(erin, "FAILED", { reason: "device_gone" }),
    ];
    const settled = [
      await insertNotification(erin, "SENT"),
      await insertNotification(erin, "FAILED", { reason: "recipient_erased" }),
      await insertNotification(erin, "CANCELED", { reason: "discarded" }),
      await insertNotification(erin, "DIGESTED", { digestId: flushed.notificationId }),
      await insertNotification(erin, "SUPPRESSED", { reason: "opted_out" }),
    ];

    // What else names her: a failover's provider error, a clicked link from the event's data, a dedup key.
    const sent = settled[0]!;
    await h.sql`insert into notification_timeline (notification_id, status, detail) values
      (${sent}, 'SENT', ${JSON.stringify({ provider: "smtp", failover: [{ provider: "resend", error: "erin@example.com refused" }] })}::jsonb),
      (${sent}, 'READ', ${JSON.stringify({ source: "click", url: "https://shop.example/o/1?email=erin@example.com" })}::jsonb)`;
    await h.sql`update notifications set dedup_key = 'welcome:erin@example.com' where id = ${sent}`;

    const result = await eraseRecipient(h.db, "erin");
    expect(result).toMatchObject({ recipientId: erin.id, canceled: 8 });
    const tombstone = result!.tombstone;
    expect(tombstone).toMatch(new RegExp(`^erased:${erin.id}:[0-9a-f]{20}$`));

    for (const row of await rowsOf(unsent)) {
      expect(row).toMatchObject({
        status: "CANCELED",
        reason: "recipient_erased",
        user_id: tombstone,
        last_error: null,
      });
    }
    expect((await rowsOf(settled)).map((r) => [r.status, r.reason, r.user_id])).toEqual([
      ["SENT", null, tombstone],
      ["FAILED", "recipient_erased", tombstone],
      ["CANCELED", "discarded", tombstone],
      ["DIGESTED", null, tombstone],
      ["SUPPRESSED", "opted_out", tombstone],
    ]);
    for (const row of await rowsOf([...unsent, ...settled])) {
      expect(row.content).toEqual({ channel: "in_app", erased: true });
    }
    const timeline = await h.sql<{ notification_id: string; status: string; detail: unknown }[]>`
      select notification_id, status, detail from notification_timeline
      where detail->>'by' = 'erase' order by notification_id`;
    expect(timeline).toEqual(
      unsent.map((id) => ({
        notification_id: id,
        status: "CANCELED",
        detail: { reason: "recipient_erased", by: "erase" },
      })),
    );
    const errors =
      await h.sql`select 1 from notification_timeline where detail ?| '{error,failover,url}'::text[]`;
    expect(errors).toHaveLength(0);
    const kept = await h.sql<{ detail: unknown }[]>`
      select detail from notification_timeline where notification_id = ${sent} and detail is not null order by id`;
    expect(kept.map((t) => t.detail)).toEqual([{ provider: "smtp" }, { source: "click" }]);
    expect(await h.sql`select 1 from notifications where dedup_key is not null`).toHaveLength(0);
    const windows = await h.sql<
      { user_id: string }[]
    >`select user_id from digests where recipient_id = ${erin.id}`;
    expect(windows.map((w) => w.user_id)).toEqual([tombstone, tombstone]);
  });

  it("ends topic memberships and lets a later user with the same id start afresh", async () => {
    const before = await upsertRecipient(h.db, "gus", { email: "gus@example.com" });
    await addTopicSubscribers(h.db, "erase-topic", [{ userId: "gus" }, { userId: "hal" }]);
    await h.sql`insert into events (id, type, user_id, data, priority, dedup_key)
      values ('evt_gus_1', 'order_placed', 'gus', '{"name":"Gus"}', 'normal', 'welcome:gus@example.com')`;
    const hal = (await getRecipient(h.db, "hal"))!;
    const skipped = [{ channel: "email", reason: "opted_out" }];
    await recordFanoutMisses(h.db, "evt_topic_1", [
      { recipientId: before.id, suppressed: skipped },
      { recipientId: hal.id, suppressed: skipped },
    ]);

    const { tombstone } = (await eraseRecipient(h.db, "gus"))!;
    const subscribers = await listTopicSubscribers(h.db, "erase-topic", null, 10);
    expect(subscribers.map((s) => s.userId)).toEqual(["hal"]);
    // What topic events did not send them goes with the memberships.
    const misses = await h.sql`select recipient_id from fanout_misses where event_id = 'evt_topic_1'`;
    expect(misses.map((m) => m.recipient_id)).toEqual([hal.id]);
    const [event] = await h.sql`select user_id, data, dedup_key from events where id = 'evt_gus_1'`;
    expect(event).toEqual({ user_id: tombstone, data: {}, dedup_key: null });

    // The user id stays erased (a stray event reaches no one) until the app creates it again.
    const placeholder = await getRecipient(h.db, "gus");
    expect(placeholder).toMatchObject({ email: null, erasedAt: expect.any(Date) });
    expect(placeholder!.id).not.toBe(before.id);
    const after = await upsertRecipient(h.db, "gus", { email: "new-gus@example.com" });
    expect(after.id).not.toBe(before.id);
    expect(after.erasedAt).toBeNull();
    expect(after.createdAt.getTime()).toBeGreaterThan(before.createdAt.getTime());
    // A second erase of the new owner leaves the first one's tombstone alone.
    expect((await eraseRecipient(h.db, "gus"))!.recipientId).toBe(after.id);
    const [old] = await h.sql`select external_id from recipients where id = ${before.id}`;
    expect(old!.external_id).toBe(tombstone);
  });

  it("works in batches and finishes what an interrupted erase left", async () => {
    const ida = await upsertRecipient(h.db, "ida", {});
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await insertNotification(ida, "QUEUED"));
    const result = await eraseRecipient(h.db, "ida", 3);
    expect(result!.canceled).toBe(7);
    expect(new Set((await rowsOf(ids)).map((r) => r.user_id))).toEqual(new Set([result!.tombstone]));

    // As if the process died after the recipient part: rows still named "ida" under the erased recipient.
    const leftover = await insertNotification(ida, "SCHEDULED");
    const again = await eraseRecipient(h.db, "ida", 3);
    expect(again!.recipientId).not.toBe(ida.id);
    expect(await rowsOf([leftover])).toMatchObject([
      { status: "CANCELED", reason: "recipient_erased", user_id: result!.tombstone },
    ]);
  });

  it("returns null for an unknown user id", async () => {
    expect(await eraseRecipient(h.db, "nobody")).toBeNull();
  });
});
