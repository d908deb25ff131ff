/**
 * `npx tsx scripts/bench-overview.ts [perDay]` (default 1,000,000): how long
 * the dashboard overview's database reads take (sends/failures per 5 min and
 * provider health over the last hour) on a day of traffic. Starts its own
 * PostgreSQL, generates `perDay` notifications spread over the last 24 h,
 * each with QUEUED and SENT timeline rows (2 % with a FAILED attempt first),
 * then prints the median time of each query.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, migrateDatabase, providerHealth, recentActivity } from "@herald/db";
import { createDatabase, freePort, PostgresServer } from "@herald/devstack";

const perDay = Number(process.argv[2] ?? 1_000_000);
const say = (line: string) => console.info(`[bench-overview] ${line}`);
const dir = mkdtempSync(join(tmpdir(), "herald-bench-ov-"));
const server = new PostgresServer({
  dataDir: join(dir, "pg"),
  port: await freePort(),
  settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off", shared_buffers: "256MB" },
});
await server.start();
try {
  const url = await createDatabase(server.url(), "bench");
  await migrateDatabase(url);
  const h = createDb(url, { max: 4 });
  let t = performance.now();
  // Triggers keep the stats rollup; not what is measured here, and they slow the load.
  await h.sql`ALTER TABLE notifications DISABLE TRIGGER USER`;
  await h.sql`
    INSERT INTO notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status,
                               content, provider, created_at, updated_at, sent_at)
    SELECT 'ntf_' || lpad(g::text, 26, '0'), 'evt_' || g, 'usr_x', 'u' || (g % 5000), 'order_placed', 'transactional',
           (ARRAY['email','sms','push','in_app'])[1 + g % 4], 'normal', 'SENT', '{}'::jsonb,
           (ARRAY['resend','twilio','webpush','inbox'])[1 + g % 4],
           now() - (g::float / ${perDay}) * interval '24 hours', now() - (g::float / ${perDay}) * interval '24 hours',
           now() - (g::float / ${perDay}) * interval '24 hours' + interval '300 ms'
    FROM generate_series(1, ${perDay}) g`;
  await h.sql`
    INSERT INTO notification_timeline (notification_id, status, at, detail)
    SELECT id, s.status, created_at + s.off, s.detail
    FROM notifications n
    CROSS JOIN LATERAL (VALUES ('QUEUED', interval '1 ms', NULL::jsonb),
                               ('SENT', interval '300 ms', jsonb_build_object('provider', n.provider, 'attempt', 1))) s(status, off, detail)`;
  await h.sql`
    INSERT INTO notification_timeline (notification_id, status, at, detail)
    SELECT id, 'FAILED', created_at + interval '100 ms',
           jsonb_build_object('provider', provider, 'error', 'provider 503', 'attempt', 1)
    FROM notifications WHERE right(id, 2) = '07' OR right(id, 2) = '42'`;
  await h.sql`ANALYZE`;
  say(
    `loaded ${perDay} notifications and their timelines in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const median = async (fn: () => Promise<unknown>) => {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      t = performance.now();
      await fn();
      runs.push(performance.now() - t);
    }
    return runs.sort((a, b) => a - b)[3]!.toFixed(0);
  };
  say(`recentActivity (12 × 5 min): median ${await median(() => recentActivity(h.db, 60, 5))} ms`);
  say(`providerHealth (last hour): median ${await median(() => providerHealth(h.db, 60))} ms`);
  await h.close();
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(server.dataDir, { recursive: true, force: true });
}
