CREATE TABLE "webhook_endpoints" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"statuses" text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_success_at" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"last_error" text,
	"failed_attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP INDEX "status_webhook_changes_unclaimed_idx";--> statement-breakpoint
ALTER TABLE "status_webhook_batches" ADD COLUMN "endpoint_id" text COLLATE "C" DEFAULT 'whe_env' NOT NULL;--> statement-breakpoint
ALTER TABLE "status_webhook_changes" ADD COLUMN "endpoint_id" text COLLATE "C" DEFAULT 'whe_env' NOT NULL;--> statement-breakpoint
CREATE INDEX "status_webhook_batches_endpoint_idx" ON "status_webhook_batches" USING btree ("endpoint_id","attempts");--> statement-breakpoint
CREATE INDEX "status_webhook_changes_endpoint_idx" ON "status_webhook_changes" USING btree ("endpoint_id","id");