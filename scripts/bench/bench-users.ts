import type { DbHandle } from "@herald/db";

/**
 * `count` recipients reachable on every channel: an e-mail address, a phone
 * number, a web push device and (as every recipient) the in-app inbox.
 * Written straight into the database: seeding is set-up, not what is measured.
 */
export async function seedUsers(h: DbHandle, count: number, prefix = "u"): Promise<string[]> {
  await h.sql`
    insert into recipients (id, external_id, email, phone)
    select 'usr_bench_' || ${prefix} || g, ${prefix} || g, ${prefix} || g || '@bench.example',
           '+1415' || lpad(g::text, 7, '0')
    from generate_series(1, ${count}::int) g`;
  await h.sql`
    insert into devices (id, recipient_id, kind, address, keys)
    select 'dev_bench_' || ${prefix} || g, 'usr_bench_' || ${prefix} || g, 'webpush',
           'https://push.bench.example/' || ${prefix} || g, '{"p256dh":"bench","auth":"bench"}'::jsonb
    from generate_series(1, ${count}::int) g`;
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

/** An `order_placed` event (normal priority; push, email, sms, in-app unless `channels` narrows it). */
export function orderPlaced(userId: string, n: number, channels?: string[]) {
  return {
    type: "order_placed",
    userId,
    data: {
      orderId: `B-${n}`,
      total: 59.9,
      currency: "EUR",
      items: [{ name: "Linen shirt", quantity: 1, price: 59.9 }],
    },
    ...(channels ? { channels } : {}),
  };
}

/** A `password_reset` event: critical priority (e-mail and SMS unless `channels` narrows it). */
export function passwordReset(userId: string, channels?: string[]) {
  return {
    type: "password_reset",
    userId,
    data: { resetUrl: "https://shop.example/reset/abc", expiresInMinutes: 30 },
    ...(channels ? { channels } : {}),
  };
}
