-- Delivery statistics rollup: notification_stats_daily is maintained by the
-- triggers below, so /v1/stats reads a few thousand rows instead of scanning
-- millions of notifications. The milestones are cumulative (a read message was
-- delivered and sent); failed/bounced/complained follow the current status.
CREATE FUNCTION herald_stat_flags(status text, sent_at timestamptz, delivered_at timestamptz, read_at timestamptz, clicked_at timestamptz)
RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[
    (sent_at IS NOT NULL OR delivered_at IS NOT NULL OR read_at IS NOT NULL OR clicked_at IS NOT NULL)::int,
    (delivered_at IS NOT NULL OR read_at IS NOT NULL OR clicked_at IS NOT NULL)::int,
    (read_at IS NOT NULL OR clicked_at IS NOT NULL)::int,
    (clicked_at IS NOT NULL)::int,
    (status IN ('FAILED', 'DEAD'))::int,
    (status = 'BOUNCED')::int,
    (status = 'COMPLAINED')::int
  ]
$$;
--> statement-breakpoint
-- Both triggers are per statement with transition tables: a statement that
-- changes many rows (a backfill, "mark all read") makes one grouped upsert
-- instead of one per row, and a row-level upsert repeated on one hot rollup row
-- inside one transaction would grow its version chain quadratically. Each
-- connection adds to its own shard, so concurrent writers do not queue on one
-- row; upserts go in key order so concurrent statements lock alike.
CREATE FUNCTION herald_stats_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_stats_daily AS s
    (day, channel, type, shard, total, sent, delivered, "read", clicked, failed, bounced, complained)
  SELECT (n.created_at AT TIME ZONE 'UTC')::date, n.channel, n.type, (pg_backend_pid() % 16)::smallint,
    count(*), sum(f[1]), sum(f[2]), sum(f[3]), sum(f[4]), sum(f[5]), sum(f[6]), sum(f[7])
  FROM new_rows n
  CROSS JOIN LATERAL herald_stat_flags(n.status, n.sent_at, n.delivered_at, n.read_at, n.clicked_at) AS f
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT (day, channel, type, shard) DO UPDATE SET
    total = s.total + excluded.total, sent = s.sent + excluded.sent,
    delivered = s.delivered + excluded.delivered, "read" = s."read" + excluded."read",
    clicked = s.clicked + excluded.clicked, failed = s.failed + excluded.failed,
    bounced = s.bounced + excluded.bounced, complained = s.complained + excluded.complained;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Updates: new rows' flags minus old rows' flags per (day, channel, type); keys
-- whose counts did not change (most updates: a retry count, a timestamp) write nothing.
CREATE FUNCTION herald_stats_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_stats_daily AS s
    (day, channel, type, shard, total, sent, delivered, "read", clicked, failed, bounced, complained)
  SELECT d.day, d.channel, d.type, (pg_backend_pid() % 16)::smallint, sum(d.sg),
    sum(d.sg * d.f[1]), sum(d.sg * d.f[2]), sum(d.sg * d.f[3]), sum(d.sg * d.f[4]),
    sum(d.sg * d.f[5]), sum(d.sg * d.f[6]), sum(d.sg * d.f[7])
  FROM (
    SELECT (o.created_at AT TIME ZONE 'UTC')::date AS day, o.channel, o.type, -1 AS sg,
      herald_stat_flags(o.status, o.sent_at, o.delivered_at, o.read_at, o.clicked_at) AS f
    FROM old_rows o
    UNION ALL
    SELECT (n.created_at AT TIME ZONE 'UTC')::date, n.channel, n.type, 1,
      herald_stat_flags(n.status, n.sent_at, n.delivered_at, n.read_at, n.clicked_at)
    FROM new_rows n
  ) d
  GROUP BY 1, 2, 3
  HAVING sum(d.sg) <> 0 OR sum(d.sg * d.f[1]) <> 0 OR sum(d.sg * d.f[2]) <> 0 OR sum(d.sg * d.f[3]) <> 0
    OR sum(d.sg * d.f[4]) <> 0 OR sum(d.sg * d.f[5]) <> 0 OR sum(d.sg * d.f[6]) <> 0 OR sum(d.sg * d.f[7]) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (day, channel, type, shard) DO UPDATE SET
    total = s.total + excluded.total, sent = s.sent + excluded.sent,
    delivered = s.delivered + excluded.delivered, "read" = s."read" + excluded."read",
    clicked = s.clicked + excluded.clicked, failed = s.failed + excluded.failed,
    bounced = s.bounced + excluded.bounced, complained = s.complained + excluded.complained;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_stats_insert AFTER INSERT ON notifications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_stats_on_insert();
--> statement-breakpoint
CREATE TRIGGER notifications_stats_update AFTER UPDATE ON notifications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_stats_on_update();
--> statement-breakpoint
-- Existing rows (an upgrade): counted once, into shard 0.
INSERT INTO notification_stats_daily (day, channel, type, shard, total, sent, delivered, "read", clicked, failed, bounced, complained)
SELECT (n.created_at AT TIME ZONE 'UTC')::date, n.channel, n.type, 0,
  count(*), sum(f[1]), sum(f[2]), sum(f[3]), sum(f[4]), sum(f[5]), sum(f[6]), sum(f[7])
FROM notifications n
CROSS JOIN LATERAL herald_stat_flags(n.status, n.sent_at, n.delivered_at, n.read_at, n.clicked_at) AS f
GROUP BY 1, 2, 3;
