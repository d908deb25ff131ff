import type { Overview } from "../api/client.ts";

type RetryingBatch = NonNullable<Overview["statusWebhooks"]["retrying"]>;

/**
 * What becomes of the batch being retried, for the Overview's warning. A
 * receiver that is down or failing holds every later change behind the batch
 * until STATUS_WEBHOOK_MAX_AGE drops them; one that refuses the batch's body
 * (400, 413, 422) gets it split until the one change it refuses is dropped,
 * so the operator should look at that change, not wait for MAX_AGE.
 */
export function retryingBatchOutlook(r: Pick<RetryingBatch, "rejections">): string {
  return r.rejections > 0
    ? "the receiver refuses this batch's body: after STATUS_WEBHOOK_SPLIT_AFTER refusals in a row it is split until the change it refuses is found and dropped (counted as Rejected), and the rest is delivered."
    : "later changes wait behind this batch and are dropped after STATUS_WEBHOOK_MAX_AGE.";
}
