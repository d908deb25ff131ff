import type { LookupFunction } from "node:net";
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

export interface PingOptions {
  /**
   * `WEBHOOK_ALLOW_PRIVATE_ENDPOINTS`: the ping may reach non-public
   * addresses. False: it connects only to the public addresses the host
   * resolves to, as the workers' POSTs do, so a name whose DNS points inwards
   * cannot make the ping report what a private service answers.
   */
  allowPrivate: boolean;
  /** The resolver a public-only ping asks (`ApiDeps.webhookResolve`). Default `dns.lookup`. */
  resolve?: LookupFunction | undefined;
  now?: () => number;
}

/**
 * One `herald.ping` POST to `endpoint`, signed as the dispatchers sign its
 * status webhooks (with the previous secret too during a rotation's grace):
 * what the receiver answered, or why it did not. Never retried, never throws.
 */
export async function pingWebhookEndpoint(
  endpoint: WebhookEndpointRow,
  { allowPrivate, resolve, now = Date.now }: PingOptions,
): Promise<PingResult> {
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
    publicOnly: !allowPrivate,
    ...(resolve ? { resolve } : {}),
  });
  return {
    ok: outcome.ok,
    status: outcome.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    error: outcome.ok ? null : outcome.error,
    webhookId,
  };
}
