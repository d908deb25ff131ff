import { statusesInto } from "@herald/domain";
import type { Db } from "./client.ts";
import { transition } from "./notifications.ts";
import { pg } from "./raw.ts";

export interface SentRecord {
  id: string;
  provider: string;
  providerMessageId: string;
  sentAt: Date;
  /** Timeline detail (provider, message id, attempt…). Never PII. */
  detail: Record<string, unknown>;
}

// CANCELED is left to markSentOverCancel: the sender must know when it overrode a cancel.
const FROM = statusesInto("SENT").filter((s) => s !== "CANCELED");

/**
 * `transition(…, "SENT")` for many notifications in one statement (status,
 * provider fields and a timeline entry each, only from statuses the state
 * machine allows, except CANCELED: see {@link markSentOverCancel}). Returns
 * the ids that moved. One round trip for a whole batch keeps the time
 * between a provider's answer and its record short.
 */
export async function markSent(db: Db, records: SentRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const input = JSON.stringify(
    records.map((r) => ({
      id: r.id,
      provider: r.provider,
      provider_message_id: r.providerMessageId,
      sent_at: r.sentAt.toISOString(),
      detail: r.detail,
    })),
  );
  // The id list lets the planner go by primary key whatever it guesses of the
  // JSON's row count (a generic plan guesses 100 and, on a table without fresh
  // statistics, chose a sequential scan: 0.6 ms per row instead of 0.05).
  // The status test is wrapped in `is true` so that it stays a filter: as a
  // plain qual the planner ANDed the primary key with notifications_open_idx,
  // whose entries for rows already SENT stay until a vacuum, and a bitmap scan
  // never marks them dead; walking them cost 3 ms of a 100-row batch's 10.
  const ids = records.map((r) => r.id);
  const rows = await pg(db)<{ id: string }[]>`
    with v as (
      select * from jsonb_to_recordset(${input}::jsonb)
        as x(id text, provider text, provider_message_id text, sent_at timestamptz, detail jsonb)
    ), u as (
      update notifications n
      set status = 'SENT', updated_at = v.sent_at, provider = v.provider,
          provider_message_id = v.provider_message_id, sent_at = v.sent_at, last_error = null
      from v
      where n.id = any(${ids}::text[]) and n.id = v.id and (n.status = any(${FROM}::text[])) is true
      returning n.id
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select v.id, 'SENT', v.sent_at, v.detail from v join u on u.id = v.id
    )
    select id from u`;
  return new Set(rows.map((r) => r.id));
}

/**
 * Records SENT a notification canceled while its provider call was in flight
 * (the message went out, so the record must say so): the one move out of
 * CANCELED. Separate from {@link markSent}, which cannot tell the old status
 * of the rows it moved, so that the sender learns it undid a cancel and puts
 * back what the cancel gave up (the frequency-cap slot, the dedup claim).
 * True when it moved the row.
 */
export function markSentOverCancel(db: Db, r: SentRecord): Promise<boolean> {
  return transition(db, r.id, "SENT", {
    from: ["CANCELED"],
    set: { provider: r.provider, providerMessageId: r.providerMessageId, sentAt: r.sentAt, lastError: null },
    detail: r.detail,
    at: r.sentAt,
  });
}
