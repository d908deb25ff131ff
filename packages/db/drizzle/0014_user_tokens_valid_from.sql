ALTER TABLE "recipients" ADD COLUMN "tokens_valid_from" timestamp with time zone;--> statement-breakpoint
-- Ids erased before this release: their erased users' tokens are refused from the erase on.
UPDATE "recipients" SET "tokens_valid_from" = "erased_at" WHERE "erased_at" IS NOT NULL AND "tokens_valid_from" IS NULL;
