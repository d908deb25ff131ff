-- Erasing a recipient now cancels its dead letters (DEAD, and FAILED for good),
-- which operators could otherwise retry. Recipients erased before this release
-- left theirs behind: they get the same cancel, with a timeline entry saying
-- the upgrade did it. The status list matches notifications_open_idx.
WITH canceled AS (
  UPDATE notifications n
  SET status = 'CANCELED', reason = 'recipient_erased', last_error = NULL, updated_at = now()
  FROM recipients r
  WHERE r.id = n.recipient_id
    AND r.erased_at IS NOT NULL
    AND n.status IN ('DEAD', 'FAILED')
    AND (n.status = 'DEAD' OR n.reason IN ('permanent_error', 'device_gone'))
  RETURNING n.id
)
INSERT INTO notification_timeline (notification_id, status, at, detail)
SELECT id, 'CANCELED', now(), '{"reason":"recipient_erased","by":"upgrade"}'::jsonb FROM canceled;
