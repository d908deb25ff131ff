CREATE TABLE "api_key_replays" (
	"caller_id" text COLLATE "C" NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"key_id" text COLLATE "C",
	"status" integer,
	"answer" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "api_key_replays_caller_id_idempotency_key_pk" PRIMARY KEY("caller_id","idempotency_key")
);
--> statement-breakpoint
CREATE INDEX "api_key_replays_expires_idx" ON "api_key_replays" USING btree ("expires_at");