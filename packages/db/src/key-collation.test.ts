import { type TestDatabase, testDatabase } from "@herald/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Migration 0012: ids, keys, hashes and enum-like columns compare byte by
 * byte whatever the database's default collation, so their indexes never
 * call the locale. Their values are ASCII, so byte order is the order the
 * API's cursors already used.
 */
let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(() => h?.drop());

describe("key columns' collation", () => {
  it("is C for every text column in an index of the tables a notification passes through", async () => {
    const hot = [
      "notifications",
      "notification_timeline",
      "events",
      "outbox_messages",
      "recipients",
      "devices",
    ];
    const rows = await h.sql<{ table: string; column: string; collation: string | null }[]>`
      select distinct c.relname as table, a.attname as column, co.collname as collation
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
      left join pg_collation co on co.oid = a.attcollation
      where c.relname = any(${hot}::text[]) and a.atttypid = 'text'::regtype
        -- a push endpoint is an address, not a key: it keeps the default
        and not (c.relname = 'devices' and a.attname = 'address')
      order by 1, 2`;
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.filter((r) => r.collation !== "C")).toEqual([]);
  });

  it("lets a join with a JSON parameter's rows, and an id list, look ids up by primary key", async () => {
    await h.sql`
      insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status, content)
      select 'ntf_c' || g, 'evt_c' || g, 'rcp_1', 'u_1', 'order_placed', 'transactional', 'sms', 'normal', 'QUEUED',
        '{"channel":"sms","text":"hi"}'::json
      from generate_series(1, 2000) g`;
    // The parameter's columns have the default collation: the C index must still serve "=" on them.
    const plans = await h.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      await tx`set local enable_hashjoin = off`;
      await tx`set local enable_mergejoin = off`;
      const join = await tx<{ "QUERY PLAN": string }[]>`
        explain select n.id from notifications n
        join jsonb_to_recordset('[{"id":"ntf_c7"},{"id":"ntf_c70"}]'::jsonb) as v(id text) on n.id = v.id`;
      const list = await tx<{ "QUERY PLAN": string }[]>`
        explain select id from notifications where id = any(${["ntf_c7", "ntf_c70"]}::text[])`;
      return [join, list].map((p) => p.map((r) => r["QUERY PLAN"]).join("\n"));
    });
    for (const plan of plans) {
      expect(plan).toContain("notifications_pkey");
      expect(plan).not.toContain("Seq Scan on notifications");
    }
  });
});
