import type { LookupFunction } from "node:net";
import { isNonPublicAddressError } from "@herald/public-address";
import { requestAgents } from "./request-agents.ts";
import { sendRequest } from "./send-request.ts";
import { signWebhook } from "./webhook-signature.ts";

export interface SignedPost {
  url: string;
  /** Key bytes of the webhook's `whsec_` secret (or secrets, during a rotation); null: sent unsigned. */
  secret: Uint8Array | readonly Uint8Array[] | null;
  /** `webhook-id`: the same on every redelivery of one message, so receivers can skip repeats. */
  id: string;
  body: string;
  /** The whole attempt (connecting, sending, the answer's status line and headers) must fit in this. */
  timeoutMs: number;
  userAgent: string;
  /** This attempt's time in ms: the `webhook-timestamp`, which receivers check against 5 minutes. */
  nowMs: number;
  /**
   * Connect to public addresses only. Default false. For URLs a user chose
   * (webhook endpoints added through the API), not the operator's own
   * configuration: a name is resolved as the connection is made and refused
   * when it resolves to loopback, private, link-local or other non-public
   * addresses only (so DNS cannot change between a check and the
   * connection), and an IP-literal host (`127.0.0.1`, `[::1]`) is checked
   * as it is. A refused destination gets no packet: the outcome is
   * `unreachable: <host> resolves to a non-public address (…)` or
   * `unreachable: <address> is a non-public address (…)`.
   */
  publicOnly?: boolean;
  /**
   * For tests only: the resolver a `publicOnly` connection asks, so a name
   * can "resolve" to any address. Default `dns.lookup`. Ignored unless
   * `publicOnly`.
   */
  resolve?: LookupFunction;
}

/** What became of one attempt: taken (2xx), or why not (`answered 503`, `unreachable: ECONNREFUSED`). */
export type PostOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * One attempt at a webhook Herald sends (ops alerts, status webhooks): JSON,
 * signed per attempt with Standard Webhooks headers when there is a secret.
 * Anything but 2xx within `timeoutMs` is a failure, a redirect too (it is
 * not followed: it could lead anywhere); the caller decides what a retry
 * is. The answer's body is drained, not read. Never throws.
 */
export async function postSignedWebhook(post: SignedPost): Promise<PostOutcome> {
  const signature = post.secret ? signWebhook(post.secret, post.id, post.nowMs / 1000, post.body) : {};
  const connection = requestAgents(post);
  try {
    const status = await sendRequest(post.url, {
      headers: { "content-type": "application/json", "user-agent": post.userAgent, ...signature },
      body: post.body,
      timeoutMs: post.timeoutMs,
      agents: connection.agents,
    });
    return status >= 200 && status < 300
      ? { ok: true, status }
      : { ok: false, status, error: `answered ${status}` };
  } catch (err) {
    const e = err as { code?: unknown; message?: string };
    // The refusal's message names the host and the address; a code alone would not.
    const why =
      isNonPublicAddressError(err) || typeof e.code !== "string" ? (e.message ?? String(err)) : e.code;
    return { ok: false, status: null, error: `unreachable: ${why}` };
  } finally {
    connection.release();
  }
}
