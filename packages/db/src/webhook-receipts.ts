import type { Db } from "./client.ts";
import { webhookReceipts } from "./schema/index.ts";

/**
 * Records that a webhook delivery is being processed. False when it was seen
 * before (a replay or a provider retry after success): the caller then
 * changes nothing. Made in the transaction that does the delivery's work, the
 * record commits with that work or not at all; a concurrent claim of the same
 * id waits for that transaction to end.
 */
export async function claimWebhookReceipt(db: Db, provider: string, id: string): Promise<boolean> {
  const rows = await db
    .insert(webhookReceipts)
    .values({ provider, id })
    .onConflictDoNothing()
    .returning({ id: webhookReceipts.id });
  return rows.length > 0;
}
