import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

/** API keys are stored as SHA-256 hashes; the key itself is shown once, at creation. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** `hk_live_` or `hk_test_` plus the first characters, safe to display. */
    prefix: text("prefix").notNull(),
    lastFour: text("last_four").notNull(),
    hash: text("hash").notNull().unique(),
    scopes: text("scopes").array().notNull(),
    environment: text("environment", { enum: ["live", "test"] })
      .notNull()
      .default("live"),
    createdAt: createdAt(),
    lastUsedAt: at("last_used_at"),
    revokedAt: at("revoked_at"),
    expiresAt: at("expires_at"),
    /** Requests per rate-limit window for this key; null = the API's `API_RATE_LIMIT`. */
    rateLimit: integer("rate_limit"),
    /** The key this one replaced by rotation. */
    rotatedFrom: text("rotated_from"),
  },
  (t) => [index("api_keys_created_idx").on(t.createdAt)],
);
