import type { StatusBatch } from "@herald/db";
import type { StatusWebhook } from "@herald/jobs";
import { signWebhook } from "../reliability/webhook-signature.ts";

/** The body of batch `batch`'s POST: the contract of `StatusWebhookSchema` (`webhooks.notificationStatuses`). */
export function statusWebhookBody(batch: StatusBatch): StatusWebhook {
  return {
    type: "herald.notification_statuses",
    data: batch.changes.map((c) => ({
      sequence: c.sequence,
      notificationId: c.notificationId,
      eventId: c.eventId,
      userId: c.userId,
      type: c.type,
      channel: c.channel,
      status: c.status,
      previousStatus: c.previousStatus,
      reason: c.reason,
      at: c.at.toISOString(),
    })),
  };
}

export interface PostOptions {
  url: string;
  /** Key bytes of `STATUS_WEBHOOK_SECRET`; null: unsigned. */
  secret: Buffer | null;
  timeoutMs: number;
  now: () => number;
}

/** What became of one attempt: taken (2xx), or why not, for the log line. */
export type PostOutcome = { ok: true } | { ok: false; error: string };

/**
 * POSTs one batch. Signed per attempt: `webhook-id` is the batch id, the same
 * on every redelivery, and `webhook-timestamp` this attempt's time (receivers
 * refuse one more than 5 minutes off). Anything but 2xx within `timeoutMs`
 * is a failure; the caller keeps the batch for another attempt.
 */
export async function postStatusBatch(batch: StatusBatch, options: PostOptions): Promise<PostOutcome> {
  const body = JSON.stringify(statusWebhookBody(batch));
  const signature = options.secret ? signWebhook(options.secret, batch.id, options.now() / 1000, body) : {};
  try {
    const res = await fetch(options.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "herald-status-webhook", ...signature },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    return res.ok ? { ok: true } : { ok: false, error: `answered ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, error: `unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
  }
}
