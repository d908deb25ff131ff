-- The provider (and, for a batch request, the Idempotency-Key) an earlier attempt may have left
-- the notification with: later attempts go there alone. Nullable without defaults, so adding them
-- is a catalog change. The partial index holds only such rows (almost none); its build reads the
-- table once, so on a very large table it can be created CONCURRENTLY by hand beforehand. Keys
-- compare byte by byte, as everywhere since 0012 (drizzle does not model collations).
ALTER TABLE "notifications" ADD COLUMN "ambiguous_provider" text COLLATE "C";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "ambiguous_batch_key" text COLLATE "C";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "notifications_ambiguous_batch_idx" ON "notifications" USING btree ("ambiguous_batch_key") WHERE ambiguous_batch_key IS NOT NULL;
