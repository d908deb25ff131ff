import { randomUUID } from "node:crypto";
import type { Channel, NotificationStatus } from "@herald/domain";
import { newId } from "@herald/ids";
import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import { ENV_WEBHOOK_ENDPOINT_ID } from "./schema/index.ts";
import { putSetting } from "./settings.ts";

/** The settings row the `notifications` triggers read (migration 0022): absent, they record nothing. */
export const STATUS_WEBHOOKS_SETTING = "status_webhooks";

/**
 * Turns the recording of status changes for STATUS_WEBHOOK_URL (endpoint
 * `whe_env`) on (the statuses to record) or off (`null`: the row is deleted,
 * and each statement's trigger only looks it up). `url` is that setting's
 * value: only its origin is kept, for the API's list of endpoints (the rest
 * may carry a token). Changes already recorded stay until delivered or expired.
 */
export async function configureStatusWebhooks(
  db: Db,
  statuses: readonly NotificationStatus[] | null,
  url?: string,
) {
  if (statuses)
    await putSetting(db, STATUS_WEBHOOKS_SETTING, {
      statuses,
      ...(url ? { origin: new URL(url).origin } : {}),
    });
  else await pg(db)`delete from settings where key = ${STATUS_WEBHOOKS_SETTING}`;
}

/** STATUS_WEBHOOK_URL as the workers that serve it last described it (the settings row). */
export interface EnvWebhookEndpoint {
  statuses: NotificationStatus[];
  /** The URL's origin (`https://hooks.example.com`); null when written by a version that did not keep it. */
  origin: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Null when STATUS_WEBHOOK_URL is off. */
export async function getEnvWebhookEndpoint(db: Db): Promise<EnvWebhookEndpoint | null> {
  const [row] = await pg(db)<
    { value: { statuses?: NotificationStatus[]; origin?: string }; created_ms: number; updated_ms: number }[]
  >`select value, (extract(epoch from created_at) * 1000)::float8 as created_ms,
      (extract(epoch from updated_at) * 1000)::float8 as updated_ms
    from settings where key = ${STATUS_WEBHOOKS_SETTING}`;
  if (!row) return null;
  return {
    statuses: row.value.statuses ?? [],
    origin: row.value.origin ?? null,
    createdAt: new Date(row.created_ms),
    updatedAt: new Date(row.updated_ms),
  };
}

/** One recorded change, with what the payload says about its notification (null once the row is gone). */
export interface RecordedStatusChange {
  sequence: number;
  notificationId: string;
  status: NotificationStatus;
  previousStatus: NotificationStatus | null;
  reason: string | null;
  at: Date;
  eventId: string | null;
  userId: string | null;
  type: string | null;
  channel: Channel | null;
}

export interface StatusBatch {
  /** `swb_…`: the `webhook-id` of every attempt. */
  id: string;
  /** The endpoint it goes to (`whe_env`: STATUS_WEBHOOK_URL). */
  endpointId: string;
  /** Attempts that failed before this one. */
  attempts: number;
  /** Consecutive attempts before this one the receiver refused for the body (400, 413, 422). */
  rejections: number;
  /** This claim's token: settling the batch needs it (`StatusBatchLease`). */
  leaseToken: string;
  changes: RecordedStatusChange[];
}

export interface ClaimOptions {
  /** Most changes in a new batch. */
  size: number;
  /** How long the batch is this dispatcher's; after that (it died) another one takes it over. */
  leaseMs: number;
  /** Whose changes: each endpoint has its own batches and retries. Default `whe_env` (STATUS_WEBHOOK_URL). */
  endpointId?: string;
}

/**
 * The next batch to POST, leased to the caller: a batch due for a retry (or
 * left by a dispatcher that died) first, with its own id; else a new one of
 * the oldest unclaimed changes, unless a batch is waiting for a retry (the
 * receiver is failing: the backlog waits here, whole, instead of being cut
 * into batches that each hit it). Null when there is nothing to send.
 *
 * A change joins a new batch only if no earlier change of its notification
 * is left outside that batch: a notification's changes are POSTed one batch
 * after another, never by two dispatchers at once, and never overtaken by a
 * retry. The newer half of a split batch waits until its older half is
 * gone, and while a split is being worked through no new batch is made
 * either. Safe under concurrency (SKIP LOCKED): any number of dispatchers.
 * All of this per endpoint: another endpoint's retried batch holds back nothing here.
 */
export async function claimStatusBatch(db: Db, options: ClaimOptions): Promise<StatusBatch | null> {
  const sql = pg(db);
  const lease = `${options.leaseMs} milliseconds`;
  const endpointId = options.endpointId ?? ENV_WEBHOOK_ENDPOINT_ID;
  for (;;) {
    // Fresh per claim, also when taking over a batch whose lease ran out: the holder before can no longer settle it.
    const leaseToken = randomUUID();
    const [due] = await sql<{ id: string; attempts: number; rejections: number }[]>`
      update status_webhook_batches set leased_until = now() + ${lease}::interval, lease_token = ${leaseToken}
      where id = (
        select id from status_webhook_batches b
        where endpoint_id = ${endpointId} and next_attempt_at <= now()
          and (leased_until is null or leased_until < now())
          and (after_batch_id is null
            or not exists (select 1 from status_webhook_batches p where p.id = b.after_batch_id))
        order by next_attempt_at limit 1
        for update skip locked
      )
      returning id, attempts, rejections`;
    if (due) {
      const changes = await loadChanges(db, due.id);
      if (changes.length > 0)
        return {
          id: due.id,
          endpointId,
          attempts: due.attempts,
          rejections: due.rejections,
          leaseToken,
          changes,
        };
      // Every change of it expired: nothing left to send under that id.
      await sql`delete from status_webhook_batches where id = ${due.id}`;
      continue;
    }
    // An idle poll (every STATUS_WEBHOOK_POLL_INTERVAL per loop) stays one statement, not a locking transaction.
    const [waiting] = await sql<{ any: boolean }[]>`
      select exists (select 1 from status_webhook_changes
        where endpoint_id = ${endpointId} and batch_id is null) as any`;
    if (!waiting?.any) return null;
    const id = newId("swb");
    // New batches of one endpoint are cut one at a time (a transaction-scoped advisory lock):
    // dispatchers claiming at once would otherwise each take what the others' SKIP LOCKED scans
    // had not reached yet, cutting a small backlog into several POSTs, or one more while a failing
    // receiver's first batch is under way. A second claim waits a statement's time and takes the next changes.
    const claimed = await newBatchClaim(db, endpointId, async (sql) => {
      const [row] = await sql<{ n: number }[]>`
      with cand as (
        select id, notification_id from status_webhook_changes
        where endpoint_id = ${endpointId} and batch_id is null
          and not exists (select 1 from status_webhook_batches where endpoint_id = ${endpointId}
            and (attempts > 0 or after_batch_id is not null))
          -- A deleted endpoint's leftovers (the sweep drops them) go to no one, even from a dispatcher
          -- whose list of endpoints is a few seconds old.
          and (${endpointId === ENV_WEBHOOK_ENDPOINT_ID}::boolean
            or exists (select 1 from webhook_endpoints w where w.id = ${endpointId}))
        order by id limit ${options.size}
        for update skip locked
      ), ok as (
        select c.id from cand c
        where not exists (
          select 1 from status_webhook_changes o
          where o.notification_id = c.notification_id and o.endpoint_id = ${endpointId} and o.id < c.id
            and o.id not in (select id from cand)
        )
      ), upd as (
        update status_webhook_changes s set batch_id = ${id}
        from ok where s.id = ok.id and s.batch_id is null returning s.id
      ), b as (
        insert into status_webhook_batches (id, endpoint_id, leased_until, lease_token)
        select ${id}, ${endpointId}, now() + ${lease}::interval, ${leaseToken}
        where exists (select 1 from upd)
      )
      select count(*)::int as n from upd`;
      return row?.n ?? 0;
    });
    if (!claimed) return null;
    const changes = await loadChanges(db, id);
    if (changes.length > 0) return { id, endpointId, attempts: 0, rejections: 0, leaseToken, changes };
    await sql`delete from status_webhook_batches where id = ${id}`;
  }
}

/** Runs `claim` in a transaction holding the endpoint's batch-cutting lock. */
function newBatchClaim(
  db: Db,
  endpointId: string,
  claim: (sql: ReturnType<typeof pg>) => Promise<number>,
): Promise<number> {
  return db.transaction(async (tx) => {
    const sql = pg(tx as unknown as Db);
    await sql`select pg_advisory_xact_lock(hashtextextended(${`herald:status-batch:${endpointId}`}, 0))`;
    return claim(sql);
  });
}

async function loadChanges(db: Db, batchId: string): Promise<RecordedStatusChange[]> {
  const rows = await pg(db)<
    {
      id: string;
      notification_id: string;
      status: NotificationStatus;
      previous_status: NotificationStatus | null;
      reason: string | null;
      at_ms: number;
      event_id: string | null;
      user_id: string | null;
      type: string | null;
      channel: Channel | null;
    }[]
  >`
    select c.id, c.notification_id, c.status, c.previous_status, c.reason,
      (extract(epoch from c.at) * 1000)::float8 as at_ms, n.event_id, n.user_id, n.type, n.channel
    from status_webhook_changes c left join notifications n on n.id = c.notification_id
    where c.batch_id = ${batchId}
    order by c.id`;
  return rows.map((r) => ({
    sequence: Number(r.id),
    notificationId: r.notification_id,
    status: r.status,
    previousStatus: r.previous_status,
    reason: r.reason,
    at: new Date(r.at_ms),
    eventId: r.event_id,
    userId: r.user_id,
    type: r.type,
    channel: r.channel,
  }));
}

export interface ExpiredChanges {
  count: number;
  /** The oldest dropped change's time; null when none was. */
  oldest: Date | null;
  byStatus: Record<string, number>;
}

/**
 * Drops up to `limit` changes recorded before `cutoff` (oldest first) that
 * no dispatcher is POSTing right now, and batches left empty. Changes are
 * recorded in about time order, so only the oldest `limit` are looked at:
 * a large backlog costs a bounded scan of the primary key per call.
 */
export async function expireStatusChanges(db: Db, cutoff: Date, limit = 5000): Promise<ExpiredChanges> {
  const rows = await pg(db)<{ status: string; n: number; oldest_ms: number }[]>`
    with head as (
      select id from status_webhook_changes where at < ${cutoff.toISOString()}::timestamptz
        and id <= (select max(id) from (select id from status_webhook_changes order by id limit ${limit}) h)
    ), doomed as (
      select c.id from status_webhook_changes c
      where c.id in (select id from head)
        and (c.batch_id is null or not exists (
          select 1 from status_webhook_batches b where b.id = c.batch_id and b.leased_until > now()))
      for update skip locked
    ), gone as (
      delete from status_webhook_changes where id in (select id from doomed)
      returning id, status, at, batch_id
    ), emptied as (
      delete from status_webhook_batches b
      where b.id in (select batch_id from gone)
        and not exists (
          select 1 from status_webhook_changes c where c.batch_id = b.id and c.id not in (select id from gone))
    )
    select status, count(*)::int as n, (extract(epoch from min(at)) * 1000)::float8 as oldest_ms
    from gone group by status`;
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const count = rows.reduce((sum, r) => sum + r.n, 0);
  const oldest = rows.length ? new Date(Math.min(...rows.map((r) => r.oldest_ms))) : null;
  return { count, oldest, byStatus };
}
