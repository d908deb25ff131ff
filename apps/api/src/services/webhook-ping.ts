import { signingSecrets, type WebhookEndpointRow } from "@herald/db";
import { newId } from "@herald/ids";
import { parseWebhookSecret, postSignedWebhook } from "@herald/webhook-signing";

/** How long a test ping waits for the receiver: the status webhooks' default timeout. */
export const PING_TIMEOUT_MS = 10_000;

export interface PingResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
  webhookId: string;
}

/**
 * One `herald.ping` POST to `endpoint`, signed as the dispatchers sign its
 * status webhooks (with the previous secret too during a rotation's grace):
 * what the receiver answered, or why it did not. Never retried, never throws.
 */
export async function pingWebhookEndpoint(endpoint: WebhookEndpointRow, now = Date.now): Promise<PingResult> {
  const webhookId = newId("whp");
  const sentAt = now();
  const started = performance.now();
  const outcome = await postSignedWebhook({
    url: endpoint.url,
    secret: signingSecrets(endpoint, sentAt).map(parseWebhookSecret),
    id: webhookId,
    body: JSON.stringify({
      type: "herald.ping",
      data: { endpointId: endpoint.id, sentAt: new Date(sentAt).toISOString() },
    }),
    timeoutMs: PING_TIMEOUT_MS,
    userAgent: "herald-status-webhook",
    nowMs: sentAt,
  });
  return {
    ok: outcome.ok,
    status: outcome.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    error: outcome.ok ? null : outcome.error,
    webhookId,
  };
}
