import { and, eq, lte, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { deleteInBatches } from "./retention.ts";
import { apiKeyReplays } from "./schema/index.ts";

export type ApiKeyReplayRow = typeof apiKeyReplays.$inferSelect;

/** One caller's use of one `Idempotency-Key`. */
export interface ReplayClaim {
  callerId: string;
  idempotencyKey: string;
  requestHash: string;
  /** The caller's clock (injected by tests): what "expired" is measured against. */
  now: Date;
  expiresAt: Date;
}

/** What {@link claimApiKeyReplay} found. */
export type ReplayClaimResult =
  /** The key is this request's: do the work and {@link fillApiKeyReplay} in the same transaction. */
  | { outcome: "claimed" }
  /** Used before (committed, not expired): answer this row. */
  | { outcome: "seen"; row: ApiKeyReplayRow };

/**
 * Claims `idempotencyKey` for `callerId`, inside the caller's transaction.
 * The caller's expired rows go first (so an expired key is claimed afresh),
 * then the insert: a concurrent request with the same key waits on this
 * row until this transaction ends, then finds it (committed) or claims it
 * (rolled back). No read-then-write window: the primary key decides.
 */
export async function claimApiKeyReplay(tx: Db, claim: ReplayClaim): Promise<ReplayClaimResult> {
  await tx
    .delete(apiKeyReplays)
    .where(and(eq(apiKeyReplays.callerId, claim.callerId), lte(apiKeyReplays.expiresAt, claim.now)));
  const inserted = await tx
    .insert(apiKeyReplays)
    .values({
      callerId: claim.callerId,
      idempotencyKey: claim.idempotencyKey,
      requestHash: claim.requestHash,
      createdAt: claim.now,
      expiresAt: claim.expiresAt,
    })
    .onConflictDoNothing()
    .returning({ callerId: apiKeyReplays.callerId });
  if (inserted.length > 0) return { outcome: "claimed" };
  const [row] = await tx
    .select()
    .from(apiKeyReplays)
    .where(
      and(eq(apiKeyReplays.callerId, claim.callerId), eq(apiKeyReplays.idempotencyKey, claim.idempotencyKey)),
    );
  // Purged between the insert and the read (expired by the worker's clock, not yet by ours): claim afresh.
  if (!row) return claimApiKeyReplay(tx, claim);
  return { outcome: "seen", row };
}

/** Stores the claimed key's answer (already encrypted), in the claiming transaction. */
export async function fillApiKeyReplay(
  tx: Db,
  key: { callerId: string; idempotencyKey: string },
  answer: { keyId: string; status: number; answer: string },
): Promise<void> {
  await tx
    .update(apiKeyReplays)
    .set(answer)
    .where(
      and(eq(apiKeyReplays.callerId, key.callerId), eq(apiKeyReplays.idempotencyKey, key.idempotencyKey)),
    );
}

/**
 * Deletes stored answers past their expiry, a batch per statement (the
 * worker's retention job). Returns how many went.
 */
export async function purgeExpiredApiKeyReplays(
  db: Db,
  options: { now: Date; batchSize?: number; deadline?: Date },
): Promise<{ deleted: number; complete: boolean }> {
  const batch = options.batchSize ?? 5000;
  const { deleted, complete } = await deleteInBatches(
    async () => {
      const [row] = await db.execute<{ n: number }>(sql`
        with doomed as (
          select caller_id, idempotency_key from api_key_replays
          where expires_at <= ${options.now.toISOString()} limit ${batch}
        ), gone as (
          delete from api_key_replays r using doomed d
          where r.caller_id = d.caller_id and r.idempotency_key = d.idempotency_key returning 1
        )
        select count(*)::int as n from gone`);
      return Number(row?.n ?? 0);
    },
    { batch, deadline: options.deadline, pauseMs: 0 },
  );
  return { deleted, complete };
}
