import { eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { settings } from "./schema/index.ts";

export async function getSetting<T>(db: Db, key: string): Promise<T | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row ? (row.value as T) : null;
}

/**
 * The value stored under `key`, created with `make()` if there is none.
 * Safe under concurrency: when several processes start at once, the first
 * insert wins and every process reads the same value back.
 */
export async function getOrCreateSetting<T>(db: Db, key: string, make: () => T): Promise<T> {
  const existing = await getSetting<T>(db, key);
  if (existing !== null) return existing;
  await db.insert(settings).values({ key, value: make() }).onConflictDoNothing({ target: settings.key });
  return (await getSetting<T>(db, key)) as T;
}

export async function putSetting(db: Db, key: string, value: unknown): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
}
