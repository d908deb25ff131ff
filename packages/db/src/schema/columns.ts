import { timestamp } from "drizzle-orm/pg-core";

/** All times are `timestamptz`; the database stores UTC and callers get `Date`s. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const createdAt = () => at("created_at").notNull().defaultNow();
