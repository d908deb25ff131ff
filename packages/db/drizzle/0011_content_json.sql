-- Rendered content is stored as json (its text as sent) rather than jsonb:
-- nothing queries inside it, and jsonb parsed every e-mail into a tree on
-- insert and printed it back on every read (~15 µs each way for a 5 KB
-- e-mail), with its keys reordered and spaces added for the driver to decode.
-- This rewrites both tables under an exclusive lock: ~15 s for 100,000 e-mails and their
-- outbox copies on a 2-core machine, so a large installation upgrades in a quiet window.
ALTER TABLE "notifications" ALTER COLUMN "content" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "outbox_messages" ALTER COLUMN "content" SET DATA TYPE json;--> statement-breakpoint
-- Changing a column's type resets its compression method (checked on PostgreSQL 15),
-- so 0009's lz4 setting is applied again, on the same condition.
DO $$
BEGIN
  IF 'lz4' = ANY ((SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
    ALTER TABLE notifications ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE outbox_messages ALTER COLUMN content SET COMPRESSION lz4;
  END IF;
END $$;
