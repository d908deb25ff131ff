import { publishStatistics, type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markSent } from "./mark-sent.ts";

let h: TestDatabase;
beforeAll(async () => {
  // One connection: the statistics flush below must come from the connection that ran markSent.
  h = await testDatabase({ max: 1 });
});
afterAll(() => h?.drop());

/** Index scans of notifications_open_idx so far, this connection's included. */
async function openIndexScans(): Promise<number> {
  await publishStatistics(h);
  const [row] = await h.sql<{ n: string }[]>`
    select idx_scan as n from pg_stat_user_indexes where indexrelname = 'notifications_open_idx'`;
  return Number(row!.n);
}

async function insertRows(prefix: string, count: number, status: string): Promise<string[]> {
  const rows = await h.sql<{ id: string }[]>`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status, content)
    select ${prefix} || g, 'evt_' || ${prefix} || g, 'rcp_1', 'u_1', 'order_placed', 'transactional', 'sms',
      'normal', ${status}, '{"channel":"sms","text":"hi"}'::jsonb
    from generate_series(1, ${count}) g
    returning id`;
  return rows.map((r) => r.id);
}

describe("markSent", () => {
  it("moves only rows the state machine allows, with a timeline entry each", async () => {
    const [queued] = await insertRows("ntf_allowed_", 1, "QUEUED");
    const [read] = await insertRows("ntf_read_", 1, "READ");
    const moved = await markSent(h.db, [
      {
        id: queued!,
        provider: "outbox",
        providerMessageId: "m1",
        sentAt: new Date(),
        detail: { attempt: 1 },
      },
      { id: read!, provider: "outbox", providerMessageId: "m2", sentAt: new Date(), detail: { attempt: 1 } },
    ]);
    expect([...moved]).toEqual([queued]);
    const timeline = await h.sql<{ notification_id: string }[]>`
      select notification_id from notification_timeline where status = 'SENT'`;
    expect(timeline.map((t) => t.notification_id)).toEqual([queued]);
  });

  it("finds a batch's rows by primary key, not through the open-work index full of rows already sent", async () => {
    // Rows created open and sent since leave entries in notifications_open_idx
    // until a vacuum; a bitmap scan of it walks them all for every batch.
    await insertRows("ntf_old_", 5000, "QUEUED");
    await h.sql`update notifications set status = 'SENT' where id like 'ntf_old_%'`;
    const ids = await insertRows("ntf_batch_", 100, "QUEUED");
    await h.sql`analyze notifications`;

    const before = await openIndexScans();
    const sentAt = new Date();
    const moved = await markSent(
      h.db,
      ids.map((id) => ({ id, provider: "outbox", providerMessageId: `m_${id}`, sentAt, detail: {} })),
    );
    expect(moved.size).toBe(100);
    expect(await openIndexScans()).toBe(before);
  });
});
