import { and, desc, eq, ilike, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { RecipientRow } from "./recipients.ts";
import { recipients } from "./schema/index.ts";

/**
 * Recipients whose user id, e-mail or phone contains `q` (case-insensitive),
 * newest first. For support staff finding a user; erased recipients are left
 * out. `afterId` (the previous page's last recipient) continues the list, so
 * a page never repeats or skips a row, whatever was updated meanwhile.
 */
export async function searchRecipients(
  db: Db,
  q: string,
  limit: number,
  afterId?: string,
): Promise<RecipientRow[]> {
  const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const where: SQL[] = [isNull(recipients.erasedAt)];
  // The Herald id the user page shows (`usr_…`) finds its user too.
  if (q) {
    where.push(
      or(
        ilike(recipients.externalId, like),
        ilike(recipients.email, like),
        ilike(recipients.phone, like),
        eq(recipients.id, q.trim()),
      )!,
    );
  }
  // Newest users first by their (time-ordered) id, which never changes: ordered by the last update,
  // a user updated between two pages moved to the front the reader had already loaded, and was
  // missing from the pages after it.
  if (afterId) where.push(lt(recipients.id, afterId));
  return db
    .select()
    .from(recipients)
    .where(and(...where))
    .orderBy(desc(recipients.id))
    .limit(limit);
}

/**
 * The first timeline id written at or after `since`. Timeline ids come from a
 * sequence, so they grow with time: a binary search over the primary key
 * (a few dozen index probes) bounds "the last hour" without an index on `at`,
 * however old the notifications are (scheduled, digested) and however large
 * the table. Null when nothing was written since.
 */
export async function firstTimelineIdSince(db: Db, since: Date): Promise<number | null> {
  const [b] = await db.execute<{ lo: string | null; hi: string | null }>(
    sql`SELECT min(id) AS lo, max(id) AS hi FROM notification_timeline`,
  );
  if (!b?.hi || !b.lo) return null;
  let lo = Number(b.lo);
  let hi = Number(b.hi) + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const [r] = await db.execute<{ at: string | Date }>(
      sql`SELECT at FROM notification_timeline WHERE id >= ${mid} ORDER BY id LIMIT 1`,
    );
    if (!r || new Date(r.at) < since) lo = mid + 1;
    else hi = mid;
  }
  return lo > Number(b.hi) ? null : lo;
}

export interface ActivityBucket {
  /** Start of the bucket. */
  at: Date;
  sent: number;
  failed: number;
}

/**
 * Sends and failures per `bucketMinutes` over the last `minutes`, from the
 * status timeline (SENT vs FAILED/DEAD/BOUNCED entries; each failed attempt counts). Buckets with nothing
 * are returned as zeros, so a chart has every point.
 */
export async function recentActivity(db: Db, minutes = 60, bucketMinutes = 5): Promise<ActivityBucket[]> {
  const from = await firstTimelineIdSince(db, new Date(Date.now() - minutes * 60_000));
  const rows =
    from === null
      ? []
      : await db.execute<{ bucket: string; sent: string; failed: string }>(sql`
    WITH recent AS (
      SELECT t.status, t.at
      FROM notification_timeline t
      WHERE t.id >= ${from}
        AND t.at > now() - make_interval(mins => ${minutes})
        AND t.status IN ('SENT', 'FAILED', 'DEAD', 'BOUNCED')
    )
    SELECT to_timestamp(floor(extract(epoch FROM at) / (${bucketMinutes} * 60)) * ${bucketMinutes} * 60) AS bucket,
           count(*) FILTER (WHERE status = 'SENT') AS sent,
           count(*) FILTER (WHERE status <> 'SENT') AS failed
    FROM recent GROUP BY 1`);
  const byStart = new Map(
    [...rows].map((r) => [new Date(r.bucket).getTime(), { sent: Number(r.sent), failed: Number(r.failed) }]),
  );
  const step = bucketMinutes * 60_000;
  const last = Math.floor(Date.now() / step) * step;
  const out: ActivityBucket[] = [];
  for (let t = last - (Math.ceil(minutes / bucketMinutes) - 1) * step; t <= last; t += step) {
    out.push({ at: new Date(t), ...(byStart.get(t) ?? { sent: 0, failed: 0 }) });
  }
  return out;
}

export interface ProviderHealth {
  channel: string;
  provider: string;
  /** Attempts the provider accepted. */
  sent: number;
  /** Attempts that failed (each retry counts). */
  failed: number;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/**
 * Per channel and provider over the last `minutes`, from the status timeline:
 * accepted sends and failed attempts (each retry counts, so an outage shows
 * at once, not only when notifications die), with the latest error.
 */
export async function providerHealth(db: Db, minutes = 60): Promise<ProviderHealth[]> {
  const from = await firstTimelineIdSince(db, new Date(Date.now() - minutes * 60_000));
  if (from === null) return [];
  const rows = await db.execute<{
    channel: string;
    provider: string;
    sent: string;
    failed: string;
    last_error: string | null;
    last_error_at: string | null;
  }>(sql`
    SELECT n.channel, coalesce(t.detail->>'provider', n.provider, 'unknown') AS provider,
           count(*) FILTER (WHERE t.status = 'SENT') AS sent,
           count(*) FILTER (WHERE t.status <> 'SENT') AS failed,
           (array_agg(t.detail->>'error' ORDER BY t.at DESC) FILTER (WHERE t.status <> 'SENT'))[1] AS last_error,
           max(t.at) FILTER (WHERE t.status <> 'SENT') AS last_error_at
    FROM notification_timeline t
    JOIN notifications n ON n.id = t.notification_id
    WHERE t.id >= ${from}
      AND t.at > now() - make_interval(mins => ${minutes})
      AND t.status IN ('SENT', 'FAILED', 'DEAD')
      AND coalesce(t.detail->>'ignored', 'false') <> 'true'
    GROUP BY 1, 2 ORDER BY 1, 2`);
  return [...rows].map((r) => ({
    channel: r.channel,
    provider: r.provider,
    sent: Number(r.sent),
    failed: Number(r.failed),
    lastError: r.last_error,
    lastErrorAt: r.last_error_at ? new Date(r.last_error_at) : null,
  }));
}

/**
 * The provider of each notification's latest failed attempt (FAILED/DEAD
 * timeline entries carry it; the row's `provider` is only set on success).
 */
export async function lastFailedProviders(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.execute<{ notification_id: string; provider: string | null }>(sql`
    SELECT DISTINCT ON (notification_id) notification_id, detail->>'provider' AS provider
    FROM notification_timeline
    WHERE notification_id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )}) AND status IN ('FAILED', 'DEAD')
    ORDER BY notification_id, id DESC`);
  return new Map([...rows].filter((r) => r.provider).map((r) => [r.notification_id, r.provider!]));
}
