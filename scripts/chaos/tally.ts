import type { Sql } from "postgres";
import type { DeliveryLedger } from "./ledger.ts";

/** Channels each chaos event asks for; the recipient has an address for both. */
export const EXPECTED_CHANNELS = ["email", "sms"] as const;

const OPEN = new Set(["PENDING", "QUEUED", "SCHEDULED", "FAILED"]);

export interface Tally {
  acceptedEvents: number;
  /** accepted events × expected channels */
  acceptedMessages: number;
  /** Messages of accepted events the provider received at least once. */
  delivered: number;
  lost: number;
  /** Receipts beyond the first, summed over notifications. */
  duplicateSends: number;
  /** Notifications received more than once. */
  duplicatedNotifications: number;
  duplicatedIds: string[];
  /** Provider receipts for notifications of events the API did not accept (answered 503). */
  unexpected: number;
  /** Why undelivered messages are undelivered: "no event row", "event accepted", "QUEUED"… */
  undeliveredBy: Record<string, number>;
  /** Statuses of the accepted events' notifications. */
  statuses: Record<string, number>;
}

interface Row {
  event_id: string;
  event_status: string;
  id: string | null;
  channel: string | null;
  status: string | null;
}

async function load(sql: Sql, eventIds: string[]): Promise<Row[]> {
  return sql<Row[]>`
    select e.id as event_id, e.status as event_status, n.id, n.channel, n.status
    from events e left join notifications n on n.event_id = e.id
    where e.id = any(${sql.array(eventIds)}::text[])`;
}

/** True when every accepted event is routed and none of its notifications still waits for a send. */
export async function isQuiescent(sql: Sql, eventIds: string[]): Promise<{ done: boolean; open: number }> {
  const rows = await load(sql, eventIds);
  const events = new Set(rows.map((r) => r.event_id));
  let open = eventIds.length - events.size;
  for (const r of rows) {
    if (r.event_status === "accepted") open++;
    else if (r.status && OPEN.has(r.status)) open++;
  }
  return { done: open === 0, open };
}

/** Compares what the API accepted with what the provider received. */
export async function tally(sql: Sql, eventIds: string[], ledger: DeliveryLedger): Promise<Tally> {
  const rows = await load(sql, eventIds);
  const receipts = await ledger.deliveries();
  const byEvent = new Map<string, Row[]>();
  for (const r of rows) byEvent.set(r.event_id, [...(byEvent.get(r.event_id) ?? []), r]);

  const t: Tally = {
    acceptedEvents: eventIds.length,
    acceptedMessages: eventIds.length * EXPECTED_CHANNELS.length,
    delivered: 0,
    lost: 0,
    duplicateSends: 0,
    duplicatedNotifications: 0,
    duplicatedIds: [],
    unexpected: 0,
    undeliveredBy: {},
    statuses: {},
  };
  const ours = new Set<string>();
  const miss = (why: string) => {
    t.lost++;
    t.undeliveredBy[why] = (t.undeliveredBy[why] ?? 0) + 1;
  };
  for (const eventId of eventIds) {
    const list = byEvent.get(eventId);
    for (const channel of EXPECTED_CHANNELS) {
      if (!list) {
        miss("no event row");
        continue;
      }
      const n = list.find((r) => r.channel === channel);
      if (!n?.id) {
        miss(list[0]!.event_status === "accepted" ? "event never routed" : `no ${channel} notification`);
        continue;
      }
      ours.add(n.id);
      t.statuses[n.status!] = (t.statuses[n.status!] ?? 0) + 1;
      const count = receipts.get(n.id) ?? 0;
      if (count === 0) {
        miss(`notification ${n.status}`);
        continue;
      }
      t.delivered++;
      if (count > 1) {
        t.duplicateSends += count - 1;
        t.duplicatedNotifications++;
        t.duplicatedIds.push(n.id);
      }
    }
  }
  for (const [id, count] of receipts) if (!ours.has(id)) t.unexpected += count;
  return t;
}
