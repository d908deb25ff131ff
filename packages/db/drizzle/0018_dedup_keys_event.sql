-- An event cancel deletes the event's dedup claims (a topic event holds one per recipient). The
-- table holds only live claims (expired ones are swept), so the build is short.
CREATE INDEX "dedup_keys_event_idx" ON "dedup_keys" USING btree ("event_id");