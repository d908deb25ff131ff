-- A topic event's subscribers who got nothing from it, and why. Ids compare
-- byte by byte, as everywhere since 0012 (drizzle does not model collations).
CREATE TABLE "fanout_misses" (
	"recipient_id" text COLLATE "C" NOT NULL,
	"event_id" text COLLATE "C" NOT NULL,
	"suppressed" jsonb NOT NULL,
	CONSTRAINT "fanout_misses_recipient_id_event_id_pk" PRIMARY KEY("recipient_id","event_id")
);
--> statement-breakpoint
CREATE INDEX "fanout_misses_event_idx" ON "fanout_misses" USING btree ("event_id","recipient_id");