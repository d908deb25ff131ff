-- The audit log of operator actions (written by apps/api/src/services/audit-writer.ts). Ids sort by
-- time (aud_…), so time ranges and retention are ranges of the primary key.
CREATE TABLE "audit_log" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_via" text COLLATE "C" NOT NULL,
	"actor_id" text COLLATE "C" NOT NULL,
	"actor_name" text NOT NULL,
	"action" text COLLATE "C" NOT NULL,
	"target_type" text COLLATE "C",
	"target_id" text COLLATE "C",
	"outcome" text COLLATE "C" NOT NULL,
	"status" integer NOT NULL,
	"request_id" text NOT NULL,
	"client_ip" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","id");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_id","id");