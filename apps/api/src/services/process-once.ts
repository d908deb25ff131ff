import { claimWebhookReceipt, type Db } from "@herald/db";

/**
 * Runs `work` for a webhook delivery unless that delivery id was processed
 * before. The receipt and `work`'s writes commit in one transaction, so the
 * receipt exists exactly when the work was done: when the work fails, or the
 * process dies or PostgreSQL goes away before the commit, there is no
 * receipt left to answer the provider's retry as a duplicate (a release after
 * the fact cannot be written while PostgreSQL is down). A concurrent delivery
 * of the same id waits on the receipt's key until this one commits (then it
 * is a duplicate) or rolls back (then it does the work).
 *
 * `work` gets the transaction and must write through it. It should not wait
 * for anything else: the transaction holds a pool connection meanwhile, so
 * lookups that may wait (see `whenSentRecorded`) come before.
 */
export async function processOnce<T>(
  db: Db,
  provider: string,
  deliveryId: string,
  work: (tx: Db) => Promise<T>,
): Promise<{ duplicate: true } | { duplicate: false; result: T }> {
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db;
    if (!(await claimWebhookReceipt(tx, provider, deliveryId))) return { duplicate: true as const };
    return { duplicate: false as const, result: await work(tx) };
  });
}
