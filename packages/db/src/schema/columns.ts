import { customType, timestamp } from "drizzle-orm/pg-core";

/** All times are `timestamptz`; the database stores UTC and callers get `Date`s. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const createdAt = () => at("created_at").notNull().defaultNow();

/**
 * A text column compared byte by byte (`COLLATE "C"`, see migration 0012):
 * for ids, keys and enum-like words in indexes, whose values are ASCII, so
 * no order anybody reads changes and no comparison calls the locale. Declared
 * here so `drizzle-kit generate` writes the collation itself; tables made
 * before this type have it from hand-written migrations (0012, 0021).
 */
export const keyText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});
