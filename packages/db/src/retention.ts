import { idFloor } from "@herald/ids";
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

export interface PurgeOptions {
  /** Rows created before this are purged. */
  cutoff: Date;
  /** Rows per statement: each batch is one short transaction. Default 5000. */
  batchSize?: number;
  /** Pause between batches, letting other writers in. Default 20 ms. */
  pauseMs?: number;
  /** Stop starting new batches after this time (the next run goes on). Default: no limit. */
  deadline?: Date;
}

export interface PurgeResult {
  notifications: number;
  events: number;
  outbox: number;
  webhookReceipts: number;
  batches: number;
  /** False when the deadline stopped it before everything old was gone. */
  complete: boolean;
}

const count = (rows: unknown) => Number((rows as { n: number }[])[0]?.n ?? 0);

/**
 * Runs `deleteBatch` (one statement deleting at most `batch` rows, answering
 * how many) until a batch comes back short, or until `deadline` has passed
 * before the next one (`complete: false`: the next run goes on), pausing
 * `pauseMs` between batches.
 */
export async function deleteInBatches(
  deleteBatch: () => Promise<number>,
  options: { batch: number; deadline?: Date | undefined; pauseMs: number },
): Promise<{ deleted: number; batches: number; complete: boolean }> {
  let deleted = 0;
  let batches = 0;
  for (;;) {
    if (options.deadline && Date.now() > options.deadline.getTime())
      return { deleted, batches, complete: false };
    const n = await deleteBatch();
    batches++;
    deleted += n;
    if (n < options.batch) return { deleted, batches, complete: true };
    if (options.pauseMs > 0) await new Promise((r) => setTimeout(r, options.pauseMs));
  }
}

// Notifications still waiting to be sent are kept whatever their age.
const KEEP = sql`('PENDING', 'SCHEDULED', 'QUEUED')`;

/**
 * Deletes notifications (with their timelines and outbox messages), routed
 * events, outbox messages and webhook receipts older than the cutoff, a batch
 * at a time: every statement locks at most `batchSize` rows (skipping rows a
 * worker holds) and never the table, so sending goes on while it runs.
 * The statistics rollup is kept: it holds counts, not messages.
 */
export async function purgeExpired(db: Db, options: PurgeOptions): Promise<PurgeResult> {
  const batch = options.batchSize ?? 5000;
  const pause = options.pauseMs ?? 20;
  const cutoff = options.cutoff.toISOString();
  const result: PurgeResult = {
    notifications: 0,
    events: 0,
    outbox: 0,
    webhookReceipts: 0,
    batches: 0,
    complete: true,
  };

  const steps: [keyof PurgeResult, () => Promise<number>][] = [
    [
      "notifications",
      async () =>
        count(
          await db.execute(sql`
            with doomed as (
              select id from notifications
              where created_at < ${cutoff}::timestamptz and status not in ${KEEP}
              order by created_at limit ${batch}
              for update skip locked
            ), timeline as (
              delete from notification_timeline where notification_id in (select id from doomed)
            ), outbox as (
              delete from outbox_messages where notification_id in (select id from doomed)
            ), gone as (
              delete from notifications where id in (select id from doomed) returning 1
            )
            select count(*)::int as n from gone`),
        ),
    ],
    [
      "events",
      // Event ids sort by creation time: the primary key serves the age filter.
      async () =>
        count(
          await db.execute(sql`
            with doomed as (
              select e.id from events e
              where e.id < ${idFloor("evt", options.cutoff)} and e.status <> 'accepted'
                and not exists (select 1 from notifications n where n.event_id = e.id)
              order by e.id limit ${batch}
              for update skip locked
            ), pages as (delete from fanout_pages where event_id in (select id from doomed))
            , misses as (delete from fanout_misses where event_id in (select id from doomed))
            , gone as (delete from events where id in (select id from doomed) returning 1)
            select count(*)::int as n from gone`),
        ),
    ],
    [
      "outbox",
      async () =>
        count(
          await db.execute(sql`
            with doomed as (
              select id from outbox_messages where created_at < ${cutoff}::timestamptz
              order by created_at limit ${batch} for update skip locked
            ), gone as (delete from outbox_messages where id in (select id from doomed) returning 1)
            select count(*)::int as n from gone`),
        ),
    ],
    [
      "webhookReceipts",
      async () =>
        count(
          await db.execute(sql`
            with doomed as (
              select provider, id from webhook_receipts where received_at < ${cutoff}::timestamptz
              order by received_at limit ${batch} for update skip locked
            ), gone as (
              delete from webhook_receipts w using doomed d
              where w.provider = d.provider and w.id = d.id returning 1
            )
            select count(*)::int as n from gone`),
        ),
    ],
  ];

  for (const [key, step] of steps) {
    const done = await deleteInBatches(step, { batch, deadline: options.deadline, pauseMs: pause });
    result.batches += done.batches;
    (result[key] as number) += done.deleted;
    if (!done.complete) {
      result.complete = false;
      return result;
    }
  }
  return result;
}
