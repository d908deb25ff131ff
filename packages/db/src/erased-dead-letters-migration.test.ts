import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "./migrate.ts";

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase({ max: 1 });
});
afterAll(() => h?.drop());

let seq = 0;
async function insert(recipientId: string, userId: string, status: string, reason: string | null) {
  const id = `ntf_mig_${String(++seq).padStart(3, "0")}`;
  await h.sql`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status,
      reason, content)
    values (${id}, ${`evt_${id}`}, ${recipientId}, ${userId}, 'order_placed', 'transactional', 'email',
      'normal', ${status}, ${reason}, '{"channel":"email","erased":true}'::json)`;
  return id;
}

describe("migration 0013: dead letters of recipients erased before it", () => {
  it("cancels them with a timeline entry and leaves everyone else's alone", async () => {
    await h.sql`insert into recipients (id, external_id, erased_at) values
      ('usr_mig_gone', 'erased:usr_mig_gone:00', now()), ('usr_mig_live', 'live', null)`;
    const gone = [
      await insert("usr_mig_gone", "erased:usr_mig_gone:00", "DEAD", "retries_exhausted"),
      await insert("usr_mig_gone", "erased:usr_mig_gone:00", "FAILED", "permanent_error"),
      await insert("usr_mig_gone", "erased:usr_mig_gone:00", "FAILED", "device_gone"),
    ];
    const kept = [
      await insert("usr_mig_gone", "erased:usr_mig_gone:00", "SENT", null),
      await insert("usr_mig_gone", "erased:usr_mig_gone:00", "FAILED", "recipient_erased"),
      await insert("usr_mig_live", "live", "DEAD", "retries_exhausted"),
      await insert("usr_mig_live", "live", "FAILED", "permanent_error"),
    ];

    const migration = readFileSync(join(MIGRATIONS_FOLDER, "0013_erased_dead_letters.sql"), "utf8");
    await h.sql.unsafe(migration);

    const rows = await h.sql<{ id: string; status: string; reason: string }[]>`
      select id, status, reason from notifications where id like 'ntf_mig_%' order by id`;
    expect(rows.map((r) => [r.status, r.reason])).toEqual([
      ["CANCELED", "recipient_erased"],
      ["CANCELED", "recipient_erased"],
      ["CANCELED", "recipient_erased"],
      ["SENT", null],
      ["FAILED", "recipient_erased"],
      ["DEAD", "retries_exhausted"],
      ["FAILED", "permanent_error"],
    ]);
    expect(rows.map((r) => r.id)).toEqual([...gone, ...kept]);
    const timeline = await h.sql`select notification_id, status, detail from notification_timeline
      where notification_id like 'ntf_mig_%' order by notification_id`;
    expect(timeline).toEqual(
      gone.map((id) => ({
        notification_id: id,
        status: "CANCELED",
        detail: { reason: "recipient_erased", by: "upgrade" },
      })),
    );
  });
});
