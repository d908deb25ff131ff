import type { Sql } from "postgres";

/**
 * What the provider side actually received, per notification id. A count
 * above 1 is a duplicate send. The chaos script only depends on this
 * interface, so the dev outbox can be swapped for a loopback provider fake
 * (counting requests by the notification id they carry) without touching the rest.
 */
export interface DeliveryLedger {
  readonly name: string;
  /** notification id → how many times the provider received it. */
  deliveries(): Promise<Map<string, number>>;
  /** When each receipt of these notifications happened (for attributing duplicates to faults), if known. */
  receiptTimes?(notificationIds: string[]): Promise<Map<string, Date[]>>;
}

/** The dev `outbox` provider: one `outbox_messages` row per send. */
export function outboxLedger(sql: Sql): DeliveryLedger {
  return {
    name: "outbox provider (rows in outbox_messages)",
    async deliveries() {
      const rows = await sql<{ id: string; n: number }[]>`
        select notification_id as id, count(*)::int as n from outbox_messages group by notification_id`;
      return new Map(rows.map((r) => [r.id, r.n]));
    },
    async receiptTimes(ids) {
      const rows = await sql<{ id: string; at: Date | string }[]>`
        select notification_id as id, created_at as at from outbox_messages
        where notification_id = any(${sql.array(ids)}::text[]) order by created_at`;
      const out = new Map<string, Date[]>();
      // drizzle's postgres.js set-up returns timestamps as strings.
      for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), new Date(r.at)]);
      return out;
    },
  };
}
