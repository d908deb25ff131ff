import type { NotificationStatus } from "./types.ts";

/** A status webhook endpoint as Herald shows it: never its secret. */
export interface WebhookEndpoint {
  /** `whe_…`; `whe_env` is STATUS_WEBHOOK_URL (workers' environment), listed read-only. */
  id: string;
  source: "api" | "env";
  /** Where changes are POSTed (for `env`, only the URL's origin). */
  url: string;
  description: string;
  statuses: NotificationStatus[];
  /** Disabled: nothing is recorded or sent; what waits is kept. */
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** After a rotation: POSTs also carry a signature with the previous secret until then. */
  previousSecretValidUntil: string | null;
  delivery: {
    /** Changes recorded for it and not yet delivered. */
    waiting: number;
    waitingEstimated: boolean;
    oldestAt: string | null;
    oldestAgeSeconds: number;
    lastSuccessAt: string | null;
    /** First failed POST since the last success; null while healthy. */
    failingSince: string | null;
    /** `answered 503`, `unreachable: ECONNREFUSED`… */
    lastError: string | null;
    failedAttempts: number;
    nextAttemptAt: string | null;
    /** Changes dropped because it refused them alone (400, 413, 422); 0 for `whe_env` (not kept per endpoint). */
    rejectedChanges: number;
    /** The last of those and why (`dropped change 81234 (ntf_… DELIVERED): answered 422 3 times`). */
    lastRejection: string | null;
    lastRejectedAt: string | null;
  };
}

/** An endpoint just made or rotated: the only answers that carry its secret. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  /** `whsec_…`: pass it to `verifyWebhook`. */
  secret: string;
}

export interface NewWebhookEndpoint {
  /** http or https. */
  url: string;
  description?: string;
  /** Default SENT, DELIVERED, READ, FAILED, DEAD, BOUNCED, COMPLAINED, SUPPRESSED, CANCELED. */
  statuses?: NotificationStatus[];
  /** Default true. */
  enabled?: boolean;
}

/** At least one field. */
export type WebhookEndpointPatch = Partial<NewWebhookEndpoint>;

/** What `webhookEndpoints.test` sent and got back. */
export interface WebhookTestResult {
  /** The receiver answered 2xx. */
  ok: boolean;
  /** Its HTTP status; null when it did not answer. */
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The ping's `webhook-id` (`whp_…`). */
  webhookId: string;
}
