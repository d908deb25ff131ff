-- Outbound status webhooks: PostgreSQL itself records every status change of a notification in
-- status_webhook_changes, in the transaction that made it, whatever made it (a send, the SENT
-- writer, a provider's webhook, a tracking pixel, the inbox, a dead letter, a cancel, an erase).
--
-- Off unless a worker serving the maintenance queue wrote the settings row 'status_webhooks'
-- ({"statuses": [...]}, from STATUS_WEBHOOK_URL and STATUS_WEBHOOK_STATUSES): without it, a
-- statement pays one primary-key lookup in settings and writes nothing. Per statement with
-- transition tables, as the stats rollup of 0004 (which already makes PostgreSQL capture them, so
-- these triggers add no capture of their own): a SENT write of 250 rows is one INSERT … SELECT.
--
-- Order: a notification's changes get increasing ids in commit order, since a second UPDATE of
-- the row waits for the first one's transaction to end before its trigger takes the next id.

-- Changes: the status moved, or a FAILED one got its final reason (permanent_error, device_gone)
-- after an attempt that failed for now: the same status, but the app learns no retry follows.
CREATE FUNCTION herald_status_webhooks_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  setting jsonb;
  wanted text[];
BEGIN
  -- Inline and first: off costs this one lookup (about 20 µs; calling a SQL function for it took 120).
  SELECT value INTO setting FROM settings WHERE key = 'status_webhooks';
  IF NOT FOUND THEN RETURN NULL; END IF;
  wanted := ARRAY(SELECT jsonb_array_elements_text(setting -> 'statuses'));
  INSERT INTO status_webhook_changes (notification_id, status, previous_status, reason, at)
  SELECT n.id, n.status, o.status, n.reason, statement_timestamp()
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE n.status = ANY (wanted)
    AND (n.status <> o.status OR (n.status = 'FAILED' AND n.reason IS DISTINCT FROM o.reason))
  ORDER BY n.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Creation in a wanted status: SUPPRESSED (opted out, quiet hours, a cap, a duplicate…) is decided
-- by the router as it inserts the row, and never changes after.
CREATE FUNCTION herald_status_webhooks_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  setting jsonb;
  wanted text[];
BEGIN
  -- Inline and first: off costs this one lookup (about 20 µs; calling a SQL function for it took 120).
  SELECT value INTO setting FROM settings WHERE key = 'status_webhooks';
  IF NOT FOUND THEN RETURN NULL; END IF;
  wanted := ARRAY(SELECT jsonb_array_elements_text(setting -> 'statuses'));
  INSERT INTO status_webhook_changes (notification_id, status, previous_status, reason, at)
  SELECT n.id, n.status, NULL, n.reason, statement_timestamp()
  FROM new_rows n
  WHERE n.status = ANY (wanted)
  ORDER BY n.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_status_webhooks_insert AFTER INSERT ON notifications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_status_webhooks_on_insert();
--> statement-breakpoint
CREATE TRIGGER notifications_status_webhooks_update AFTER UPDATE ON notifications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION herald_status_webhooks_on_update();
