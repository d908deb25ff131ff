-- When the app canceled the event (DELETE /v1/events/:id). Nullable and without a default, so
-- adding it is a catalog change: no rewrite of events, only a brief lock.
ALTER TABLE "events" ADD COLUMN "canceled_at" timestamp with time zone;