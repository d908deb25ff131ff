-- Suppressions added by hand (reason `manual`): the operator's note and who added it (an API key or a
-- dashboard account: via, id, name). Nullable without defaults, so adding them is a catalog change;
-- neither is indexed (the list is read by its primary key).
ALTER TABLE "suppressions" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "suppressions" ADD COLUMN "suppressed_by" jsonb;