import { eq, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { dedupKeys } from "./schema/index.ts";

/**
 * Claims a dedup key for `eventId` until `now + windowMs`. Returns the event
 * that owns the key: `eventId` itself when this event is the first in the
 * window (or a re-run of it), another id when it is a duplicate. The claim is
 * one upsert, so concurrent routers in any number of processes agree.
 */
export async function claimDedupKey(
  db: Db,
  keyHash: string,
  eventId: string,
  now: Date,
  windowMs: number,
): Promise<string> {
  const expires = new Date(now.getTime() + windowMs);
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await db
      .insert(dedupKeys)
      .values({ keyHash, eventId, expiresAt: expires })
      .onConflictDoUpdate({
        target: dedupKeys.keyHash,
        set: {
          eventId,
          // The owner re-running keeps its original window.
          expiresAt: sql`case when ${dedupKeys.eventId} = excluded.event_id then ${dedupKeys.expiresAt} else excluded.expires_at end`,
        },
        // Reclaim an expired window; keep a live one (a re-run of the owner also matches).
        setWhere: sql`${dedupKeys.expiresAt} <= ${now.toISOString()}::timestamptz or ${dedupKeys.eventId} = ${eventId}`,
      })
      .returning({ eventId: dedupKeys.eventId });
    if (claimed[0]) return claimed[0].eventId;
    // A live claim by another event. Read it in a new statement: the upsert's
    // snapshot may predate a concurrent insert it waited for.
    const [owner] = await db
      .select({ eventId: dedupKeys.eventId })
      .from(dedupKeys)
      .where(eq(dedupKeys.keyHash, keyHash));
    if (owner) return owner.eventId;
  }
  return eventId;
}

/** Deletes claims that expired before `now`. */
export async function purgeExpiredDedupKeys(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(dedupKeys)
    .where(lt(dedupKeys.expiresAt, now))
    .returning({ k: dedupKeys.keyHash });
  return rows.length;
}
