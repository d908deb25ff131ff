import { statusesInto } from "@herald/domain";
import type { Db } from "./client.ts";
import { pg } from "./raw.ts";

export interface RetryRecord {
  id: string;
  /** The provider's error, as the row's `last_error` (cut to 1,000 characters). */
  error: string;
  /** Timeline detail (provider, code, attempt…). Never PII. */
  detail: Record<string, unknown>;
  /**
   * The provider whose answer was ambiguous (it may have the message), to
   * keep in `ambiguous_provider`, and the batch request's key, if any, for
   * `ambiguous_batch_key`. Never cleared here: absent (or a null key), the
   * row keeps what it has.
   */
  ambiguous?: { provider: string; batchKey: string | null };
}

const FROM = statusesInto("FAILED");

/**
 * `transition(…, "FAILED", { incrementRetry })` for many notifications in one
 * statement, handing them to the job `sendJob` that will retry them (their
 * `send_job` stamp says which job owns a FAILED row awaiting its retry, for
 * that job and for the reconciler). Returns the ids that moved.
 */
export async function markRetrying(
  db: Db,
  records: RetryRecord[],
  sendJob: string,
  at = new Date(),
): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const input = JSON.stringify(
    records.map((r) => ({
      id: r.id,
      last_error: r.error.slice(0, 1000),
      detail: r.detail,
      ambiguous_provider: r.ambiguous?.provider ?? null,
      ambiguous_batch_key: r.ambiguous?.batchKey ?? null,
    })),
  );
  // As in markSent: the id list keeps the planner on the primary key, `is true` keeps the status test a filter.
  const ids = records.map((r) => r.id);
  const rows = await pg(db)<{ id: string }[]>`
    with v as (
      select * from jsonb_to_recordset(${input}::jsonb)
        as x(id text, last_error text, detail jsonb, ambiguous_provider text, ambiguous_batch_key text)
    ), u as (
      update notifications n
      set status = 'FAILED', updated_at = ${at.toISOString()}::timestamptz, last_error = v.last_error,
          retry_count = n.retry_count + 1, send_job = ${sendJob},
          ambiguous_provider = coalesce(v.ambiguous_provider, n.ambiguous_provider),
          ambiguous_batch_key = coalesce(v.ambiguous_batch_key, n.ambiguous_batch_key)
      from v
      where n.id = any(${ids}::text[]) and n.id = v.id and (n.status = any(${FROM}::text[])) is true
      returning n.id
    ), t as (
      insert into notification_timeline (notification_id, status, at, detail)
      select v.id, 'FAILED', ${at.toISOString()}::timestamptz, v.detail from v join u on u.id = v.id
    )
    select id from u`;
  return new Set(rows.map((r) => r.id));
}
