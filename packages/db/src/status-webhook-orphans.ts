import type { Db } from "./client.ts";
import { pg } from "./raw.ts";
import { ENV_WEBHOOK_ENDPOINT_ID } from "./schema/index.ts";

/**
 * Endpoints with changes waiting but no `webhook_endpoints` row (deleted):
 * `whe_env` is never one. A loose index scan of `(endpoint_id, id)`, one
 * probe per distinct endpoint, so it costs the same with 200,000 or 20
 * million legit changes waiting (~0.3 ms measured at 200,000 with 4
 * endpoints; a `select distinct` scanned them all in ~48 ms).
 */
export async function orphanedStatusEndpoints(db: Db): Promise<string[]> {
  const rows = await pg(db)<{ endpoint_id: string }[]>`
    with recursive ids as (
      (select endpoint_id from status_webhook_changes order by endpoint_id limit 1)
      union all
      select (select c.endpoint_id from status_webhook_changes c where c.endpoint_id > ids.endpoint_id
          order by c.endpoint_id limit 1)
      from ids where ids.endpoint_id is not null
    )
    select endpoint_id from ids
    where endpoint_id is not null and endpoint_id <> ${ENV_WEBHOOK_ENDPOINT_ID}
      and not exists (select 1 from webhook_endpoints w where w.id = ids.endpoint_id)`;
  return rows.map((r) => r.endpoint_id);
}

export interface OrphanChunk {
  /** Changes deleted. */
  count: number;
  /** The highest id deleted (the next chunk starts past it); null when none was. */
  lastId: number | null;
}

/**
 * Deletes up to `limit` changes of deleted endpoint `endpointId` with ids
 * above `afterId`, oldest first, and the batches that leaves empty. Skips
 * changes in a batch a dispatcher still holds a live lease on (it is POSTing
 * them: they go when the lease ends) and rows another sweep has locked (it
 * deletes them), so any number of processes may run it at once. The
 * endpoint's absence is checked again here: a live endpoint's changes are
 * never touched, whatever the caller passes.
 */
export async function dropOrphanedChangesChunk(
  db: Db,
  endpointId: string,
  { limit = 5000, afterId = 0 }: { limit?: number; afterId?: number } = {},
): Promise<OrphanChunk> {
  if (endpointId === ENV_WEBHOOK_ENDPOINT_ID) return { count: 0, lastId: null };
  const [row] = await pg(db)<{ n: number; last_id: string | null }[]>`
    with doomed as (
      select c.id from status_webhook_changes c
      where c.endpoint_id = ${endpointId} and c.id > ${afterId}
        and not exists (select 1 from webhook_endpoints w where w.id = ${endpointId})
        and (c.batch_id is null or not exists (
          select 1 from status_webhook_batches b where b.id = c.batch_id and b.leased_until > now()))
      order by c.id limit ${limit}
      for update of c skip locked
    ), gone as (
      delete from status_webhook_changes where id in (select id from doomed) returning id, batch_id
    ), emptied as (
      delete from status_webhook_batches b
      where b.id in (select batch_id from gone)
        and not exists (
          select 1 from status_webhook_changes c where c.batch_id = b.id and c.id not in (select id from gone))
    )
    select count(*)::int as n, max(id)::text as last_id from gone`;
  return { count: row?.n ?? 0, lastId: row?.last_id == null ? null : Number(row.last_id) };
}

/**
 * Deletes the batches of deleted endpoints that hold no change and no live
 * lease: left when two sweeps emptied one batch at once (neither saw it
 * empty), or when a lease ended after its changes went. The batches table
 * holds a few rows per endpoint, so this is a small scan.
 */
export async function dropOrphanedStatusBatches(db: Db): Promise<number> {
  const rows = await pg(db)`
    delete from status_webhook_batches b
    where b.endpoint_id <> ${ENV_WEBHOOK_ENDPOINT_ID}
      and not exists (select 1 from webhook_endpoints w where w.id = b.endpoint_id)
      and (b.leased_until is null or b.leased_until <= now())
      and not exists (select 1 from status_webhook_changes c where c.batch_id = b.id)
    returning b.id`;
  return rows.length;
}

export interface OrphanSweepOptions {
  /** Most changes per statement (each its own transaction). Default 5,000. */
  chunk?: number;
  /**
   * Time after which no further chunk starts, in ms. Default 10,000: one
   * sweep never runs for minutes; what is left goes on the next one.
   */
  budgetMs?: number;
  /** Clock for the budget. Default `Date.now`. */
  now?: () => number;
}

export interface OrphanSweep {
  /** Changes deleted, per deleted endpoint (only those that had some). */
  byEndpoint: Record<string, number>;
  /** Their sum. */
  count: number;
  /** Batches deleted (emptied ones are counted with their changes' chunks, not here). */
  batches: number;
  /** The budget ran out with changes left: the next sweep goes on. */
  more: boolean;
}

/**
 * Drops what waits for endpoints deleted through the API: `deleteWebhookEndpoint`
 * drops a bounded part in the request, and a `notifications` statement in
 * flight as it committed may still record changes for it after. In chunks
 * (`dropOrphanedChangesChunk`), per endpoint, while chunks come back full and
 * the budget lasts; then the empty batches left behind.
 */
export async function sweepOrphanedStatusChanges(
  db: Db,
  options: OrphanSweepOptions = {},
): Promise<OrphanSweep> {
  const { chunk = 5000, budgetMs = 10_000, now = Date.now } = options;
  const deadline = now() + budgetMs;
  const result: OrphanSweep = { byEndpoint: {}, count: 0, batches: 0, more: false };
  for (const endpointId of await orphanedStatusEndpoints(db)) {
    let afterId = 0;
    for (;;) {
      if (now() >= deadline) {
        result.more = true;
        break;
      }
      const step = await dropOrphanedChangesChunk(db, endpointId, { limit: chunk, afterId });
      if (step.count > 0) {
        result.byEndpoint[endpointId] = (result.byEndpoint[endpointId] ?? 0) + step.count;
        result.count += step.count;
      }
      // Short: nothing left past afterId but rows leased or locked by another sweep, left for later.
      if (step.count < chunk || step.lastId === null) break;
      afterId = step.lastId;
    }
    if (result.more) break;
  }
  result.batches = await dropOrphanedStatusBatches(db);
  return result;
}
