import { signWebhook } from "./webhook-signature.ts";

export interface SignedPost {
  url: string;
  /** Key bytes of the webhook's `whsec_` secret (or secrets, during a rotation); null: sent unsigned. */
  secret: Uint8Array | readonly Uint8Array[] | null;
  /** `webhook-id`: the same on every redelivery of one message, so receivers can skip repeats. */
  id: string;
  body: string;
  timeoutMs: number;
  userAgent: string;
  /** This attempt's time in ms: the `webhook-timestamp`, which receivers check against 5 minutes. */
  nowMs: number;
}

/** What became of one attempt: taken (2xx), or why not (`answered 503`, `unreachable: ECONNREFUSED`). */
export type PostOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * One attempt at a webhook Herald sends (ops alerts, status webhooks): JSON,
 * signed per attempt with Standard Webhooks headers when there is a secret.
 * Anything but 2xx within `timeoutMs` is a failure; the caller decides what
 * a retry is. Never throws.
 */
export async function postSignedWebhook(post: SignedPost): Promise<PostOutcome> {
  const signature = post.secret ? signWebhook(post.secret, post.id, post.nowMs / 1000, post.body) : {};
  try {
    const res = await fetch(post.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": post.userAgent, ...signature },
      body: post.body,
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    return res.ok
      ? { ok: true, status: res.status }
      : { ok: false, status: res.status, error: `answered ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      status: null,
      error: `unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    };
  }
}
