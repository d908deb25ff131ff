import type { NotificationStatus } from "@herald/domain";
import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import { ENV_WEBHOOK_ENDPOINT_ID } from "./schema/index.ts";

/**
 * Changes counted one by one up to this many; past it the count is an
 * estimate. Counting is a scan of the table: measured ~1.5 ms for 10,000
 * waiting changes but ~50 ms for 1 million (a day of a busy Herald's changes,
 * held through an outage), on every scrape and every dashboard refresh; this
 * whole reading took ~1.7 ms at 1 million (11 ms just after the oldest half
 * was deleted, before a vacuum).
 */
export const STATUS_BACKLOG_EXACT_MAX = 10_000;

/** The batch the dispatchers are retrying (the receiver refused or did not answer it). */
export interface RetryingStatusBatch {
  /** `swb_…`: the `webhook-id` of its POSTs. */
  id: string;
  /** Failed attempts so far. */
  attempts: number;
  /**
   * How many of the last attempts in a row the receiver refused for the body
   * (400, 413, 422): past `STATUS_WEBHOOK_SPLIT_AFTER` the batch is split until
   * the refused change is found and dropped, so it is not held to MAX_AGE. 0
   * when the last attempt failed otherwise (5xx, timeout, unreachable).
   */
  rejections: number;
  /** When it was first claimed: the receiver has been failing at least since. */
  since: Date;
  nextAttemptAt: Date;
  /** Why the last attempt failed (`answered 503`, `unreachable: ECONNREFUSED`). */
  lastError: string | null;
  lastAttemptAt: Date | null;
}

/** What an operator needs to see whether status webhooks keep up. */
export interface StatusWebhookBacklog {
  /** The endpoint (`whe_env`: STATUS_WEBHOOK_URL). */
  endpointId: string;
  /**
   * Whether PostgreSQL records changes for it: for `whe_env` the settings row
   * the maintenance workers write, for the others the endpoint's `enabled`.
   */
  enabled: boolean;
  /** The statuses recorded; empty when off. */
  statuses: NotificationStatus[];
  /** Changes recorded and not yet delivered (or expired), batched or not. */
  waiting: number;
  /** `waiting` is an estimate (more than `STATUS_BACKLOG_EXACT_MAX` wait): the span of their ids. */
  waitingEstimated: boolean;
  /** When the first change still waiting was recorded; null when none waits. */
  oldestAt: Date | null;
  /** The retried batch that has failed most often; null when no POST is failing. */
  retrying: RetryingStatusBatch | null;
  /** PostgreSQL's clock as it answered: ages computed against it need no clock agreement. */
  at: Date;
}

/**
 * The state of the status webhook outbox in one query of a few index
 * lookups, cheap enough for every `/metrics` scrape: the setting, the count
 * of waiting changes (exact up to `STATUS_BACKLOG_EXACT_MAX`, else estimated
 * as the span of their ids: changes are deleted from the oldest on while a
 * receiver is down, so the span is close, an over-estimate by the gaps
 * delivered out of order before it went down), the oldest one's time, and
 * the batch being retried. Of one endpoint: `whe_env` (STATUS_WEBHOOK_URL)
 * unless told. With several endpoints recording the same changes, the
 * estimate's span also covers the others' ids in between: it over-counts.
 */
export async function statusWebhookBacklog(
  db: Db,
  endpointId: string = ENV_WEBHOOK_ENDPOINT_ID,
): Promise<StatusWebhookBacklog> {
  const [row] = await pg(db)<
    {
      setting: { statuses?: NotificationStatus[] } | null;
      counted: number;
      span: string | null;
      oldest_ms: number | null;
      batch: {
        id: string;
        attempts: number;
        rejections: number;
        since_ms: number;
        next_ms: number;
        last_error: string | null;
        last_ms: number | null;
      } | null;
      at_ms: number;
    }[]
  >`
    select
      case when ${endpointId} = ${ENV_WEBHOOK_ENDPOINT_ID}
        then (select value from settings where key = 'status_webhooks')
        else (select jsonb_build_object('statuses', to_jsonb(statuses)) from webhook_endpoints
          where id = ${endpointId} and enabled)
      end as setting,
      (select count(*)::int from (select 1 from status_webhook_changes where endpoint_id = ${endpointId}
        limit ${STATUS_BACKLOG_EXACT_MAX + 1}) c) as counted,
      (select (max(id) - min(id) + 1)::text from status_webhook_changes where endpoint_id = ${endpointId}) as span,
      (select (extract(epoch from at) * 1000)::float8 from status_webhook_changes where endpoint_id = ${endpointId}
        order by id limit 1) as oldest_ms,
      (select json_build_object(
          'id', id, 'attempts', attempts, 'rejections', rejections,
          'since_ms', extract(epoch from created_at) * 1000,
          'next_ms', extract(epoch from next_attempt_at) * 1000,
          'last_error', last_error,
          'last_ms', extract(epoch from last_attempt_at) * 1000)
        from status_webhook_batches where endpoint_id = ${endpointId} and attempts > 0
        order by attempts desc, created_at limit 1) as batch,
      (extract(epoch from now()) * 1000)::float8 as at_ms`;
  const r = row!;
  const estimated = r.counted > STATUS_BACKLOG_EXACT_MAX;
  const b = r.batch;
  return {
    endpointId,
    enabled: r.setting !== null,
    statuses: r.setting?.statuses ?? [],
    waiting: estimated ? Math.max(r.counted, Number(r.span ?? 0)) : r.counted,
    waitingEstimated: estimated,
    oldestAt: r.oldest_ms === null ? null : new Date(r.oldest_ms),
    retrying: b
      ? {
          id: b.id,
          attempts: b.attempts,
          rejections: b.rejections,
          since: new Date(b.since_ms),
          nextAttemptAt: new Date(b.next_ms),
          lastError: b.last_error,
          lastAttemptAt: b.last_ms === null ? null : new Date(b.last_ms),
        }
      : null,
    at: new Date(r.at_ms),
  };
}

/** The backlog of every endpoint: STATUS_WEBHOOK_URL's (`whe_env`) first, then the API's, by id. */
export async function statusWebhookBacklogs(db: Db): Promise<StatusWebhookBacklog[]> {
  const rows = await pg(db)<{ id: string }[]>`select id from webhook_endpoints order by id`;
  return Promise.all(
    [ENV_WEBHOOK_ENDPOINT_ID, ...rows.map((r) => r.id)].map((id) => statusWebhookBacklog(db, id)),
  );
}
