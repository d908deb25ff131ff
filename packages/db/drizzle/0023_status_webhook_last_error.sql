ALTER TABLE "status_webhook_batches" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "status_webhook_batches" ADD COLUMN "last_attempt_at" timestamp with time zone;