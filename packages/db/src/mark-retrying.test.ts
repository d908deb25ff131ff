import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markRetrying } from "./mark-retrying.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 1 });
});
afterAll(() => h?.drop());

async function insertRow(id: string, status: string): Promise<void> {
  await h.sql`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status,
      content, send_job, retry_count)
    values (${id}, ${`evt_${id}`}, 'rcp_1', 'u_1', 'order_placed', 'transactional', 'email', 'normal', ${status},
      '{"channel":"sms","text":"hi"}'::jsonb, 'snd_first', 1)`;
}

describe("markRetrying", () => {
  it("records allowed rows FAILED for their retry batch, one timeline entry each, and leaves the others", async () => {
    await insertRow("ntf_queued", "QUEUED");
    await insertRow("ntf_failed", "FAILED");
    await insertRow("ntf_read", "READ");
    const at = new Date("2026-12-05T10:00:00Z");
    const long = "x".repeat(1500);
    const moved = await markRetrying(
      h.db,
      ["ntf_queued", "ntf_failed", "ntf_read"].map((id) => ({
        id,
        error: long,
        detail: { attempt: 2, code: "503" },
      })),
      "snd_first-a3-0123456789ab",
      at,
    );
    expect([...moved].sort()).toEqual(["ntf_failed", "ntf_queued"]);
    const rows = await h.sql<
      {
        id: string;
        status: string;
        retry_count: number;
        send_job: string;
        last_error: string;
        updated_at: Date;
      }[]
    >`select id, status, retry_count, send_job, last_error, updated_at from notifications order by id`;
    expect(
      rows.map((r) => [r.id, r.status, r.retry_count, r.send_job, r.last_error?.length ?? null]),
    ).toEqual([
      ["ntf_failed", "FAILED", 2, "snd_first-a3-0123456789ab", 1000],
      ["ntf_queued", "FAILED", 2, "snd_first-a3-0123456789ab", 1000],
      ["ntf_read", "READ", 1, "snd_first", null],
    ]);
    expect(new Date(rows[0]!.updated_at).toISOString()).toBe(at.toISOString());
    const timeline = await h.sql<{ notification_id: string; status: string; detail: unknown }[]>`
      select notification_id, status, detail from notification_timeline order by notification_id`;
    expect(timeline).toEqual([
      { notification_id: "ntf_failed", status: "FAILED", detail: { attempt: 2, code: "503" } },
      { notification_id: "ntf_queued", status: "FAILED", detail: { attempt: 2, code: "503" } },
    ]);
  });

  it("keeps the provider an ambiguous failure may have left a row with, and never clears it", async () => {
    await insertRow("ntf_amb_a", "QUEUED");
    await insertRow("ntf_amb_b", "QUEUED");
    const pinned = { provider: "resend", batchKey: "batch-k" };
    await markRetrying(
      h.db,
      [
        { id: "ntf_amb_a", error: "lost", detail: {}, ambiguous: pinned },
        { id: "ntf_amb_b", error: "refused", detail: {} },
      ],
      "snd_amb-a2-0123456789ab",
    );
    // A later, unambiguous failure (a refused connection) proves nothing about the earlier request.
    await markRetrying(h.db, [{ id: "ntf_amb_a", error: "refused", detail: {} }], "snd_amb-a3-0123456789ab");
    const rows = await h.sql<
      { id: string; ambiguous_provider: string | null; ambiguous_batch_key: string | null }[]
    >`
      select id, ambiguous_provider, ambiguous_batch_key from notifications where id like 'ntf_amb_%' order by id`;
    expect(rows.map((r) => [r.id, r.ambiguous_provider, r.ambiguous_batch_key])).toEqual([
      ["ntf_amb_a", "resend", "batch-k"],
      ["ntf_amb_b", null, null],
    ]);
  });
});
