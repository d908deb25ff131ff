import { index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { at, keyText } from "./columns.ts";

/**
 * The first answer of an API key create or rotate sent with an
 * `Idempotency-Key`, so that a repeat by the same caller within a day gets the
 * same answer instead of a second key. The answer holds the new key's secret:
 * `answer` is AES-256-GCM ciphertext (the API's `api-key-replay-cipher.ts`),
 * never the secret itself. The primary key is what makes two concurrent
 * repeats one: the second waits on the first's uncommitted row.
 */
export const apiKeyReplays = pgTable(
  "api_key_replays",
  {
    /** Who sent it: the API key's id or the dashboard account's. */
    callerId: keyText("caller_id").notNull(),
    /** The `Idempotency-Key` header (1–255 characters). */
    idempotencyKey: text("idempotency_key").notNull(),
    /** SHA-256 of the operation, its path parameter and validated body: a different request is a conflict. */
    requestHash: text("request_hash").notNull(),
    /** The key the first request made (plain: an id, for when the answer can no longer be read). */
    keyId: keyText("key_id"),
    /** The first answer's HTTP status. */
    status: integer("status"),
    /** `v1.<iv>.<tag>.<ciphertext>` (base64url) of the first answer's JSON body. */
    answer: text("answer"),
    createdAt: at("created_at").notNull(),
    /** Never answered after this; the worker's retention job deletes it. */
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.callerId, t.idempotencyKey] }),
    index("api_key_replays_expires_idx").on(t.expiresAt),
  ],
);
