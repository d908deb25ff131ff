-- Outbound status webhooks: the outbox of status changes (filled by the triggers of 0022) and the
-- batches a dispatcher POSTs. Ids and enum-like words compare byte by byte (COLLATE "C", see 0012).
CREATE TABLE "status_webhook_batches" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"leased_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_webhook_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"notification_id" text COLLATE "C" NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"previous_status" text COLLATE "C",
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"batch_id" text COLLATE "C"
);
--> statement-breakpoint
CREATE INDEX "status_webhook_batches_due_idx" ON "status_webhook_batches" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE INDEX "status_webhook_changes_ntf_idx" ON "status_webhook_changes" USING btree ("notification_id","id");--> statement-breakpoint
CREATE INDEX "status_webhook_changes_unclaimed_idx" ON "status_webhook_changes" USING btree ("id") WHERE batch_id IS NULL;--> statement-breakpoint
CREATE INDEX "status_webhook_changes_batch_idx" ON "status_webhook_changes" USING btree ("batch_id") WHERE batch_id IS NOT NULL;