ALTER TABLE "schedules" ADD COLUMN "idempotency_key" text COLLATE "C";--> statement-breakpoint
CREATE UNIQUE INDEX "schedules_idempotency_key_idx" ON "schedules" USING btree ("idempotency_key");