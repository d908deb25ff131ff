-- An inbox item can be marked unread again (read_at cleared) while its status stays READ: the
-- status chain only moves forward, and the read happened. The stats rollup's milestones count such
-- a row as read (and delivered, and sent) by its status, so marking it unread takes nothing from
-- them and reading it again adds nothing. Every earlier move to READ set read_at, so for existing
-- rows the flags are what they were: the rollup needs no rebuild.
CREATE OR REPLACE FUNCTION herald_stat_flags(status text, sent_at timestamptz, delivered_at timestamptz, read_at timestamptz, clicked_at timestamptz)
RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY[
    (sent_at IS NOT NULL OR delivered_at IS NOT NULL OR read_at IS NOT NULL OR clicked_at IS NOT NULL OR status = 'READ')::int,
    (delivered_at IS NOT NULL OR read_at IS NOT NULL OR clicked_at IS NOT NULL OR status = 'READ')::int,
    (read_at IS NOT NULL OR clicked_at IS NOT NULL OR status = 'READ')::int,
    (clicked_at IS NOT NULL)::int,
    (status IN ('FAILED', 'DEAD'))::int,
    (status = 'BOUNCED')::int,
    (status = 'COMPLAINED')::int
  ]
$$;
