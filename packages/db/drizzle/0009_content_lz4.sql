-- Rendered content (an e-mail is 5-15 KB of HTML) is compressed with lz4
-- where the server has it: pglz_compress was the largest single function in
-- PostgreSQL's profile of a 100,000-recipient fan-out (9% of its CPU). A
-- server built without lz4 keeps pglz; only new values change either way.
DO $$
BEGIN
  IF 'lz4' = ANY ((SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
    ALTER TABLE notifications ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE outbox_messages ALTER COLUMN content SET COMPRESSION lz4;
  END IF;
END $$;
