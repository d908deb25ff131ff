ALTER TABLE "status_webhook_batches" ADD COLUMN "rejections" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "status_webhook_batches" ADD COLUMN "after_batch_id" text;