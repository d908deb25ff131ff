CREATE TABLE "fanout_pages" (
	"event_id" text NOT NULL,
	"page" integer NOT NULL,
	"after" text,
	"until" text,
	"counts" jsonb,
	"done_at" timestamp with time zone,
	CONSTRAINT "fanout_pages_event_id_page_pk" PRIMARY KEY("event_id","page")
);
--> statement-breakpoint
CREATE TABLE "topic_subscribers" (
	"topic_key" text NOT NULL,
	"recipient_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topic_subscribers_topic_key_recipient_id_pk" PRIMARY KEY("topic_key","recipient_id")
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"key" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "user_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "topic" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "fanout_pages" integer;--> statement-breakpoint
ALTER TABLE "topic_subscribers" ADD CONSTRAINT "topic_subscribers_topic_key_topics_key_fk" FOREIGN KEY ("topic_key") REFERENCES "public"."topics"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topic_subscribers" ADD CONSTRAINT "topic_subscribers_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fanout_pages_open_idx" ON "fanout_pages" USING btree ("event_id") WHERE done_at IS NULL;--> statement-breakpoint
CREATE INDEX "topic_subscribers_recipient_idx" ON "topic_subscribers" USING btree ("recipient_id");