import { claimWebhookReceipt, type Db, releaseWebhookReceipt } from "@herald/db";

/**
 * Runs `work` for a webhook delivery unless that delivery id was processed
 * before. The claim is released when `work` fails, so the provider's retry is
 * processed instead of being taken for a duplicate.
 */
export async function processOnce<T>(
  db: Db,
  provider: string,
  deliveryId: string,
  work: () => Promise<T>,
): Promise<{ duplicate: true } | { duplicate: false; result: T }> {
  if (!(await claimWebhookReceipt(db, provider, deliveryId))) return { duplicate: true };
  try {
    return { duplicate: false, result: await work() };
  } catch (err) {
    await releaseWebhookReceipt(db, provider, deliveryId).catch(() => {});
    throw err;
  }
}
