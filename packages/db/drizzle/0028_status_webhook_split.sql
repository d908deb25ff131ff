ALTER TABLE "status_webhook_batches" ADD COLUMN "rejections" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "status_webhook_batches" ADD COLUMN "after_batch_id" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "rejected_changes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "last_rejection" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "last_rejected_at" timestamp with time zone;