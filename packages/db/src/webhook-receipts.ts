import { and, eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { webhookReceipts } from "./schema/index.ts";

/**
 * Records that a webhook delivery is being processed. False when it was seen
 * before (a replay or a provider retry after success): the caller then changes nothing.
 */
export async function claimWebhookReceipt(db: Db, provider: string, id: string): Promise<boolean> {
  const rows = await db
    .insert(webhookReceipts)
    .values({ provider, id })
    .onConflictDoNothing()
    .returning({ id: webhookReceipts.id });
  return rows.length > 0;
}

/** Forgets a claim whose processing failed, so the provider's retry is processed. */
export async function releaseWebhookReceipt(db: Db, provider: string, id: string): Promise<void> {
  await db
    .delete(webhookReceipts)
    .where(and(eq(webhookReceipts.provider, provider), eq(webhookReceipts.id, id)));
}
