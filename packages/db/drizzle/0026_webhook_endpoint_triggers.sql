-- Status webhook endpoints managed at runtime (webhook_endpoints, 0025): the triggers of 0022 now
-- record each change once per endpoint whose statuses include it, tagged with the endpoint's id:
-- `whe_env` for STATUS_WEBHOOK_URL (the settings row 'status_webhooks', written by the maintenance
-- workers as before), and each enabled webhook_endpoints row (the settings row 'webhook_endpoints',
-- rewritten by the statement trigger below in the transaction that changes the endpoints). A row
-- per endpoint gives each endpoint its own order, batches, retries and expiry: a failing endpoint
-- holds back no other, and deleting one deletes its rows.
--
-- Off (no STATUS_WEBHOOK_URL, no enabled endpoint): still one primary-key lookup in settings per
-- statement (both keys in one index scan), and nothing written.

CREATE OR REPLACE FUNCTION herald_status_webhooks_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Inline and first: off costs this one lookup (calling a SQL function for it took 6 times as long).
  PERFORM FROM settings WHERE key IN ('status_webhooks', 'webhook_endpoints');
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO status_webhook_changes (endpoint_id, notification_id, status, previous_status, reason, at)
  SELECT e.id, n.id, n.status, o.status, n.reason, statement_timestamp()
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  JOIN (
    SELECT 'whe_env'::text AS id, ARRAY(SELECT jsonb_array_elements_text(value -> 'statuses')) AS statuses
    FROM settings WHERE key = 'status_webhooks'
    UNION ALL
    SELECT x.id, x.statuses FROM settings s, jsonb_to_recordset(s.value -> 'endpoints') AS x(id text, statuses text[])
    WHERE s.key = 'webhook_endpoints'
  ) e ON n.status = ANY (e.statuses)
  WHERE n.status <> o.status OR (n.status = 'FAILED' AND n.reason IS DISTINCT FROM o.reason)
  ORDER BY n.id, e.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION herald_status_webhooks_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM FROM settings WHERE key IN ('status_webhooks', 'webhook_endpoints');
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO status_webhook_changes (endpoint_id, notification_id, status, previous_status, reason, at)
  SELECT e.id, n.id, n.status, NULL, n.reason, statement_timestamp()
  FROM new_rows n
  JOIN (
    SELECT 'whe_env'::text AS id, ARRAY(SELECT jsonb_array_elements_text(value -> 'statuses')) AS statuses
    FROM settings WHERE key = 'status_webhooks'
    UNION ALL
    SELECT x.id, x.statuses FROM settings s, jsonb_to_recordset(s.value -> 'endpoints') AS x(id text, statuses text[])
    WHERE s.key = 'webhook_endpoints'
  ) e ON n.status = ANY (e.statuses)
  ORDER BY n.id, e.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The settings row the triggers above read, rebuilt from the enabled endpoints whenever one is
-- added, deleted, enabled, disabled or refiltered (not on the dispatchers' delivery-state updates).
-- The lock serialises concurrent changes: each rebuild reads the others' committed rows.
CREATE FUNCTION herald_webhook_endpoints_setting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('herald.webhook_endpoints'));
  DELETE FROM settings WHERE key = 'webhook_endpoints';
  INSERT INTO settings (key, value)
  SELECT 'webhook_endpoints',
    jsonb_build_object('endpoints', jsonb_agg(jsonb_build_object('id', id, 'statuses', to_jsonb(statuses)) ORDER BY id))
  FROM webhook_endpoints WHERE enabled
  HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER webhook_endpoints_setting AFTER INSERT OR DELETE OR UPDATE OF statuses, enabled ON webhook_endpoints
  FOR EACH STATEMENT EXECUTE FUNCTION herald_webhook_endpoints_setting();
