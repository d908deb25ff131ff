/**
 * `npx tsx scripts/bench/user-export.ts`: one user with `N` notifications
 * (default 50,000: 12,500 `order_placed` events × 4 channels, each with a
 * three-entry timeline, e-mails with ~2 kB of HTML), seeded with multi-row
 * inserts, then downloaded through `GET /v1/users/:userId/export` from a real
 * API process (no workers). Prints the time to the first byte and to the
 * last, the size, and the API process's RSS before and at its peak during
 * the download (sampled every 20 ms), then checks the file parses with
 * every notification once. `N=` sets the count.
 */
import { createWriteStream } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { upsertRecipient } from "@herald/db";
import { startSystem } from "./herald-system.ts";
import { readRss, sampleMemory } from "./process-memory.ts";

const total = Number(process.env.N ?? 50_000);
const USER = "export-bench-user";
const system = await startSystem({ name: "userexport", workers: 0 });
try {
  const { db } = system.db;
  const r = await upsertRecipient(db, USER, {
    email: "bench@example.com",
    phone: "+14155550100",
    properties: { name: "Bench" },
  });
  const { sql } = system.db;
  const events = Math.ceil(total / 4);
  const t0 = performance.now();
  // Ids sort as the router's do (by creation); zero-padded so text order is numeric order.
  await sql`
    insert into events (id, type, user_id, data, priority, status, created_at, routed_at)
    select 'evt_' || lpad(i::text, 26, '0'), 'order_placed', ${USER},
      jsonb_build_object('orderId', 'A-' || i, 'total', 59.9, 'currency', 'EUR',
        'items', jsonb_build_array(jsonb_build_object('name', 'Linen shirt', 'quantity', 1, 'price', 59.9))),
      'normal', 'routed', now() - (${events} - i) * interval '1 minute', now() - (${events} - i) * interval '1 minute'
    from generate_series(1, ${events}) i`;
  await sql`
    insert into notifications (id, event_id, recipient_id, user_id, type, category, channel, priority, status,
      content, provider, created_at, updated_at, sent_at)
    select 'ntf_' || lpad(n::text, 26, '0'), 'evt_' || lpad(((n - 1) / 4 + 1)::text, 26, '0'), ${r.id}, ${USER},
      'order_placed', 'transactional', c.channel, 'normal', 'SENT',
      case c.channel
        when 'email' then json_build_object('channel', 'email', 'subject', 'Order A-' || n || ' confirmed',
          'html', repeat('<p>Thank you for your order. Your linen shirt ships soon.</p>', 32), 'text', 'Thank you for your order.')
        when 'sms' then json_build_object('channel', 'sms', 'text', 'Order A-' || n || ' confirmed: 59.90 EUR')
        else json_build_object('channel', c.channel, 'title', 'Order confirmed', 'body', 'Order A-' || n || ': 59.90 EUR')
      end,
      'outbox', now() - (${total} - n) * interval '15 seconds', now(), now() - (${total} - n) * interval '15 seconds'
    from generate_series(1, ${total}) n
    cross join lateral (select (array['push', 'email', 'sms', 'in_app'])[(n - 1) % 4 + 1] as channel) c`;
  await sql`
    insert into notification_timeline (notification_id, status, at, detail)
    select 'ntf_' || lpad(n::text, 26, '0'), s.status, now(), s.detail
    from generate_series(1, ${total}) n
    cross join (values ('PENDING', null::jsonb), ('QUEUED', null), ('SENT', '{"provider":"outbox","attempt":1}'::jsonb))
      as s(status, detail)`;
  await sql`analyze`;
  console.info(`[export] seeded ${total} notifications in ${Math.round(performance.now() - t0)} ms`);

  const url = `${system.url}/v1/users/${USER}/export`;
  const auth = { authorization: `Bearer ${system.apiKey}` };
  // Connections, prepared statements and JIT warm on a small user first.
  await upsertRecipient(db, "export-bench-warm", {});
  await (await fetch(`${system.url}/v1/users/export-bench-warm/export`, { headers: auth })).text();
  const apiPid = system.pids().api!;
  const before = readRss(apiPid)!.rssMb;
  const memory = sampleMemory({ api: apiPid }, 20);
  const file = join(tmpdir(), `herald-export-bench-${process.pid}.json`);
  const out = createWriteStream(file);
  const start = performance.now();
  const res = await fetch(url, { headers: auth });
  let firstByteMs = 0;
  let bytes = 0;
  for await (const chunk of res.body!) {
    if (bytes === 0) firstByteMs = performance.now() - start;
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  out.end();
  await finished(out);
  const seconds = (performance.now() - start) / 1000;
  const peak = memory.peaks().api ?? 0;
  memory.stop();
  const doc = JSON.parse(await readFile(file, "utf8")) as { notifications: { id: string }[] };
  await rm(file);
  const ids = doc.notifications.map((n) => n.id);
  const ordered = ids.every((id, i) => i === 0 || ids[i - 1]! < id);
  console.info({
    status: res.status,
    notifications: ids.length,
    complete: ids.length === total && new Set(ids).size === total && ordered,
    megabytes: Math.round(bytes / 1e5) / 10,
    firstByteMs: Math.round(firstByteMs),
    seconds: Math.round(seconds * 100) / 100,
    notificationsPerSec: Math.round(total / seconds),
    apiRssMb: { before: Math.round(before), peak: Math.round(peak), growth: Math.round(peak - before) },
  });
} finally {
  await system.stop();
}
