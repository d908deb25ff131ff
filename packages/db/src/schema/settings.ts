import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

/**
 * Small process-wide values every API and worker process must agree on
 * (generated dev VAPID keys, the generated user-token secret). Kept in the
 * database because it is the one thing all processes share.
 */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  createdAt: createdAt(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});
