import type postgres from "postgres";

export const STATS_TYPES = ["order_placed", "password_reset", "payment_failed", "weekly_promo"];
export const STATS_CHANNELS = ["push", "email", "sms", "in_app"];

/**
 * Inserts notifications `from..to` (ids `ntf_gen…`) spread pseudo-randomly
 * over the 30 days from `start`, the four channels and the four types, all
 * QUEUED. Deterministic, so a failure reproduces.
 */
export async function insertGenerated(
  sql: postgres.Sql,
  from: number,
  to: number,
  start: string,
): Promise<void> {
  await sql`
    insert into notifications
      (id, event_id, recipient_id, user_id, type, category, channel, priority, status, content, created_at, updated_at)
    select 'ntf_gen' || lpad(g::text, 9, '0'), 'evt_gen' || g, 'usr_gen', 'user' || (g % 997),
      (${STATS_TYPES}::text[])[1 + (hashtext('t' || g) & 2147483647) % 4],
      'transactional',
      (${STATS_CHANNELS}::text[])[1 + (hashtext('c' || g) & 2147483647) % 4],
      'normal', 'QUEUED', '{}'::jsonb,
      ${start}::timestamptz + ((hashtext('d' || g) & 2147483647) % (30 * 86400)) * interval '1 second',
      now()
    from generate_series(${from}::int, ${to}::int) g`;
}

/** Moves the generated rows along the way real traffic does, with bulk statements (row triggers fire per row). */
export async function progressGenerated(sql: postgres.Sql): Promise<void> {
  const roll = (salt: string) => sql.unsafe(`(hashtext('${salt}' || id) & 2147483647) % 1000`);
  await sql`update notifications set status = 'SUPPRESSED', reason = 'opted_out'
    where status = 'QUEUED' and ${roll("s")} < 30`;
  await sql`update notifications set status = 'DEAD', retry_count = 4 where status = 'QUEUED' and ${roll("x")} < 20`;
  await sql`update notifications set status = 'FAILED', retry_count = 1 where status = 'QUEUED' and ${roll("f")} < 60`;
  await sql`update notifications set status = 'SENT', sent_at = created_at + interval '2 seconds'
    where status = 'QUEUED' and ${roll("q")} < 900`;
  await sql`update notifications set status = 'DELIVERED', delivered_at = sent_at + interval '3 seconds'
    where status = 'SENT' and ${roll("v")} < 750`;
  await sql`update notifications set status = 'BOUNCED', reason = 'hard_bounce' where status = 'SENT' and ${roll("b")} < 150`;
  await sql`update notifications set status = 'READ', read_at = delivered_at + interval '1 minute'
    where status = 'DELIVERED' and ${roll("r")} < 450`;
  await sql`update notifications set clicked_at = read_at + interval '5 seconds'
    where status = 'READ' and ${roll("k")} < 250`;
  await sql`update notifications set status = 'COMPLAINED', reason = 'complaint'
    where status = 'DELIVERED' and ${roll("p")} < 10`;
}

/** Direct counts over `notifications`, grouped by `dim`, written out independently of the rollup. */
export async function directCounts(
  sql: postgres.Sql,
  dim: "day" | "channel" | "type" | "all",
  range: { from: string; to: string; channel?: string; type?: string },
) {
  const key =
    dim === "day"
      ? sql`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`
      : dim === "channel"
        ? sql`channel`
        : dim === "type"
          ? sql`type`
          : sql`'all'`;
  return sql<Record<string, string | number>[]>`
    select ${key} as key,
      count(*)::int as total,
      count(*) filter (where sent_at is not null or delivered_at is not null or read_at is not null
        or clicked_at is not null)::int as sent,
      count(*) filter (where delivered_at is not null or read_at is not null or clicked_at is not null)::int as delivered,
      count(*) filter (where read_at is not null or clicked_at is not null)::int as read,
      count(*) filter (where clicked_at is not null)::int as clicked,
      count(*) filter (where status in ('FAILED', 'DEAD'))::int as failed,
      count(*) filter (where status = 'BOUNCED')::int as bounced,
      count(*) filter (where status = 'COMPLAINED')::int as complained
    from notifications
    where created_at >= ${range.from}::date and created_at < ${range.to}::date + 1
      ${range.channel ? sql`and channel = ${range.channel}` : sql``}
      ${range.type ? sql`and type = ${range.type}` : sql``}
    group by 1 order by 1`;
}
