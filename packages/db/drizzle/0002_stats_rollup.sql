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
-- Adds deltas to one (day, channel, type) in this connection's shard: concurrent
-- writers on other connections touch other rows, so no hot-row queue forms.
CREATE FUNCTION herald_stats_add(p_day date, p_channel text, p_type text, p_total integer, d integer[])
RETURNS void LANGUAGE sql AS $$
  INSERT INTO notification_stats_daily AS s
    (day, channel, type, shard, total, sent, delivered, "read", clicked, failed, bounced, complained)
  VALUES (p_day, p_channel, p_type, (pg_backend_pid() % 16)::smallint, p_total, d[1], d[2], d[3], d[4], d[5], d[6], d[7])
  ON CONFLICT (day, channel, type, shard) DO UPDATE SET
    total = s.total + excluded.total, sent = s.sent + excluded.sent,
    delivered = s.delivered + excluded.delivered, "read" = s."read" + excluded."read",
    clicked = s.clicked + excluded.clicked, failed = s.failed + excluded.failed,
    bounced = s.bounced + excluded.bounced, complained = s.complained + excluded.complained
$$;
--> statement-breakpoint
-- Inserts: one grouped upsert per statement (the router inserts a few rows at a
-- time, a backfill thousands), in key order so concurrent statements lock alike.
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
CREATE FUNCTION herald_stats_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o integer[] := herald_stat_flags(OLD.status, OLD.sent_at, OLD.delivered_at, OLD.read_at, OLD.clicked_at);
  n integer[] := herald_stat_flags(NEW.status, NEW.sent_at, NEW.delivered_at, NEW.read_at, NEW.clicked_at);
  old_day date := (OLD.created_at AT TIME ZONE 'UTC')::date;
  new_day date := (NEW.created_at AT TIME ZONE 'UTC')::date;
BEGIN
  IF old_day = new_day AND OLD.channel = NEW.channel AND OLD.type = NEW.type THEN
    IF o = n THEN RETURN NULL; END IF;
    PERFORM herald_stats_add(new_day, NEW.channel, NEW.type, 0,
      ARRAY[n[1] - o[1], n[2] - o[2], n[3] - o[3], n[4] - o[4], n[5] - o[5], n[6] - o[6], n[7] - o[7]]);
  ELSE
    PERFORM herald_stats_add(old_day, OLD.channel, OLD.type, -1,
      ARRAY[-o[1], -o[2], -o[3], -o[4], -o[5], -o[6], -o[7]]);
    PERFORM herald_stats_add(new_day, NEW.channel, NEW.type, 1, n);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_stats_insert AFTER INSERT ON notifications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_stats_on_insert();
--> statement-breakpoint
-- Only updates that can change a count run the function at all.
CREATE TRIGGER notifications_stats_update AFTER UPDATE ON notifications FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.sent_at IS DISTINCT FROM NEW.sent_at
    OR OLD.delivered_at IS DISTINCT FROM NEW.delivered_at OR OLD.read_at IS DISTINCT FROM NEW.read_at
    OR OLD.clicked_at IS DISTINCT FROM NEW.clicked_at OR OLD.created_at IS DISTINCT FROM NEW.created_at
    OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.type IS DISTINCT FROM NEW.type)
  EXECUTE FUNCTION herald_stats_on_update();
--> statement-breakpoint
-- Existing rows (an upgrade): counted once, into shard 0.
INSERT INTO notification_stats_daily (day, channel, type, shard, total, sent, delivered, "read", clicked, failed, bounced, complained)
SELECT (n.created_at AT TIME ZONE 'UTC')::date, n.channel, n.type, 0,
  count(*), sum(f[1]), sum(f[2]), sum(f[3]), sum(f[4]), sum(f[5]), sum(f[6]), sum(f[7])
FROM notifications n
CROSS JOIN LATERAL herald_stat_flags(n.status, n.sent_at, n.delivered_at, n.read_at, n.clicked_at) AS f
GROUP BY 1, 2, 3;
