-- Identifiers, keys, hashes and enum-like columns compare byte by byte
-- (COLLATE "C"). Under the database's default collation every comparison in
-- their indexes went through the locale (strcoll / ICU): inserting 300,000
-- rows into a table with three such indexes took 1.57-1.76 s with "C",
-- 1.91-1.95 s with C.UTF-8 (this machine's default) and 2.63 s with ICU
-- English, a usual default of managed PostgreSQL. Their values are ASCII ids
-- (ntf_…, evt_…, usr_…), hashes or fixed words, so no order anybody reads
-- changes; names, e-mail addresses and other text people sort keep the
-- default. Each statement rebuilds its table's indexes on those columns
-- under a lock (the rows themselves are not rewritten); drizzle's schema does
-- not model collations, so they live here.
ALTER TABLE "notifications"
  ALTER COLUMN "id" TYPE text COLLATE "C",
  ALTER COLUMN "event_id" TYPE text COLLATE "C",
  ALTER COLUMN "recipient_id" TYPE text COLLATE "C",
  ALTER COLUMN "user_id" TYPE text COLLATE "C",
  ALTER COLUMN "provider_message_id" TYPE text COLLATE "C",
  ALTER COLUMN "digest_id" TYPE text COLLATE "C",
  ALTER COLUMN "send_job" TYPE text COLLATE "C",
  ALTER COLUMN "status" TYPE text COLLATE "C",
  ALTER COLUMN "channel" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "notification_timeline" ALTER COLUMN "notification_id" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "events"
  ALTER COLUMN "id" TYPE text COLLATE "C",
  ALTER COLUMN "idempotency_key" TYPE text COLLATE "C",
  ALTER COLUMN "user_id" TYPE text COLLATE "C",
  ALTER COLUMN "route_job" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "outbox_messages"
  ALTER COLUMN "id" TYPE text COLLATE "C",
  ALTER COLUMN "notification_id" TYPE text COLLATE "C";
--> statement-breakpoint
-- A referenced key and the keys referring to it change together (one statement each, in order).
ALTER TABLE "devices" DROP CONSTRAINT "devices_recipient_id_recipients_id_fk";
--> statement-breakpoint
ALTER TABLE "preferences" DROP CONSTRAINT "preferences_recipient_id_recipients_id_fk";
--> statement-breakpoint
ALTER TABLE "topic_subscribers" DROP CONSTRAINT "topic_subscribers_recipient_id_recipients_id_fk";
--> statement-breakpoint
ALTER TABLE "topic_subscribers" DROP CONSTRAINT "topic_subscribers_topic_key_topics_key_fk";
--> statement-breakpoint
ALTER TABLE "recipients"
  ALTER COLUMN "id" TYPE text COLLATE "C",
  ALTER COLUMN "external_id" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "devices"
  ALTER COLUMN "id" TYPE text COLLATE "C",
  ALTER COLUMN "recipient_id" TYPE text COLLATE "C",
  ALTER COLUMN "kind" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "preferences" ALTER COLUMN "recipient_id" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "topics" ALTER COLUMN "key" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "topic_subscribers"
  ALTER COLUMN "topic_key" TYPE text COLLATE "C",
  ALTER COLUMN "recipient_id" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_recipient_id_recipients_id_fk"
  FOREIGN KEY ("recipient_id") REFERENCES "recipients"("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "preferences" ADD CONSTRAINT "preferences_recipient_id_recipients_id_fk"
  FOREIGN KEY ("recipient_id") REFERENCES "recipients"("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "topic_subscribers" ADD CONSTRAINT "topic_subscribers_recipient_id_recipients_id_fk"
  FOREIGN KEY ("recipient_id") REFERENCES "recipients"("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "topic_subscribers" ADD CONSTRAINT "topic_subscribers_topic_key_topics_key_fk"
  FOREIGN KEY ("topic_key") REFERENCES "topics"("key") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "suppressions"
  ALTER COLUMN "address_hash" TYPE text COLLATE "C",
  ALTER COLUMN "channel" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "dedup_keys" ALTER COLUMN "key_hash" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "digests"
  ALTER COLUMN "id" TYPE text COLLATE "C",
  ALTER COLUMN "recipient_id" TYPE text COLLATE "C",
  ALTER COLUMN "notification_id" TYPE text COLLATE "C",
  ALTER COLUMN "channel" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "fanout_pages" ALTER COLUMN "event_id" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "notification_stats_daily"
  ALTER COLUMN "channel" TYPE text COLLATE "C",
  ALTER COLUMN "type" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "webhook_receipts"
  ALTER COLUMN "id" TYPE text COLLATE "C",
  ALTER COLUMN "provider" TYPE text COLLATE "C";
