CREATE TABLE "dedup_keys" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "digests" (
	"id" text PRIMARY KEY NOT NULL,
	"recipient_id" text NOT NULL,
	"user_id" text NOT NULL,
	"channel" text NOT NULL,
	"flush_at" timestamp with time zone NOT NULL,
	"notification_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"item_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"flushed_at" timestamp with time zone,
	CONSTRAINT "digests_notification_id_unique" UNIQUE("notification_id")
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"channel" text NOT NULL,
	"address_hash" text NOT NULL,
	"reason" text NOT NULL,
	"provider" text,
	"notification_id" text,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppressions_channel_address_hash_pk" PRIMARY KEY("channel","address_hash")
);
--> statement-breakpoint
CREATE INDEX "dedup_keys_expires_idx" ON "dedup_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "digests_window_uq" ON "digests" USING btree ("recipient_id","channel","flush_at");--> statement-breakpoint
CREATE INDEX "digests_due_idx" ON "digests" USING btree ("flush_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "notifications_digest_idx" ON "notifications" USING btree ("digest_id") WHERE digest_id IS NOT NULL;