import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAmbiguousProviders } from "./ambiguous-providers.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 1 });
});
afterAll(() => h?.drop());

const updatedAt = "2026-12-05T10:00:00.000Z";

async function insertRow(id: string, status: string, pinned: string | null = null): Promise<void> {
  await h.sql`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status,
      content, ambiguous_provider, updated_at)
    values (${id}, ${`evt_${id}`}, 'rcp_1', 'u_1', 'order_placed', 'transactional', 'email', 'normal', ${status},
      '{"channel":"email","subject":"s","html":"h","text":"t"}'::jsonb, ${pinned}, ${updatedAt}::timestamptz)`;
}

describe("recordAmbiguousProviders", () => {
  it("marks every row of the request whatever its status, keeps a provider already held, moves nothing else", async () => {
    await insertRow("ntf_queued", "QUEUED");
    await insertRow("ntf_canceled", "CANCELED");
    await insertRow("ntf_held", "FAILED", "smtp");
    const marked = await recordAmbiguousProviders(h.db, [
      { id: "ntf_queued", provider: "resend", batchKey: "batch-k" },
      { id: "ntf_canceled", provider: "resend", batchKey: "batch-k" },
      { id: "ntf_held", provider: "resend", batchKey: "batch-k" },
      { id: "ntf_gone", provider: "resend", batchKey: "batch-k" },
    ]);
    expect([...marked].sort()).toEqual(["ntf_canceled", "ntf_queued"]);
    const rows = await h.sql<
      {
        id: string;
        status: string;
        ambiguous_provider: string;
        ambiguous_batch_key: string;
        updated_at: Date;
      }[]
    >`select id, status, ambiguous_provider, ambiguous_batch_key, updated_at from notifications order by id`;
    expect(rows.map((r) => [r.id, r.status, r.ambiguous_provider, r.ambiguous_batch_key])).toEqual([
      ["ntf_canceled", "CANCELED", "resend", "batch-k"],
      ["ntf_held", "FAILED", "smtp", null],
      ["ntf_queued", "QUEUED", "resend", "batch-k"],
    ]);
    expect(rows.every((r) => new Date(r.updated_at).toISOString() === updatedAt)).toBe(true);
    expect(await h.sql`select 1 from notification_timeline`).toHaveLength(0);
  });

  it("a request of its own leaves no batch key; nothing to record sends no statement", async () => {
    await insertRow("ntf_single", "QUEUED");
    await recordAmbiguousProviders(h.db, [{ id: "ntf_single", provider: "smtp", batchKey: null }]);
    const [row] = await h.sql<{ ambiguous_provider: string; ambiguous_batch_key: string | null }[]>`
      select ambiguous_provider, ambiguous_batch_key from notifications where id = 'ntf_single'`;
    expect(row).toEqual({ ambiguous_provider: "smtp", ambiguous_batch_key: null });
    expect(await recordAmbiguousProviders(h.db, [])).toEqual(new Set());
  });
});
