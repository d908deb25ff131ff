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
  };
}
