CREATE TABLE "schedules" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"user_id" text COLLATE "C",
	"recipient_id" text COLLATE "C",
	"topic" text COLLATE "C",
	"data" jsonb NOT NULL,
	"priority" text,
	"channels" text[],
	"rule" jsonb NOT NULL,
	"timezone" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"max_runs" integer,
	"runs" integer DEFAULT 0 NOT NULL,
	"next_run_at" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_event_id" text,
	"paused_at" timestamp with time zone,
	"api_key_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "schedule_id" text COLLATE "C";--> statement-breakpoint
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedules_next_run_idx" ON "schedules" USING btree ("next_run_at") WHERE next_run_at IS NOT NULL AND paused_at IS NULL;--> statement-breakpoint
CREATE INDEX "schedules_user_idx" ON "schedules" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "schedules_topic_idx" ON "schedules" USING btree ("topic","id");--> statement-breakpoint
CREATE INDEX "schedules_recipient_idx" ON "schedules" USING btree ("recipient_id");--> statement-breakpoint
CREATE INDEX "events_schedule_idx" ON "events" USING btree ("schedule_id","id") WHERE schedule_id IS NOT NULL;