import { booleanFlag, commaList, durationMs } from "@herald/config";
import {
  DEFAULT_STATUS_WEBHOOK_STATUSES,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
} from "@herald/domain";
import { STATUS_WEBHOOK_MAX_BATCH } from "@herald/jobs";
import { z } from "zod";
import { webhookSecretSetting } from "../reliability-env.ts";

const duration = (fallback: string, min: number, what: string) =>
  durationMs(fallback).refine((v) => v >= min, `must be at least ${what}`);

/** Worker variables of outbound status webhooks (merged into env.ts). */
export const statusWebhookEnvShape = {
  /**
   * Where notification status changes are POSTed, in batches. Unset (the
   * default): off, and PostgreSQL records no change (its triggers only look
   * the setting up). Read by the processes serving the `maintenance` queue,
   * which switch the recording on or off at boot: give them all the same value.
   */
  STATUS_WEBHOOK_URL: z.url().optional(),
  /**
   * Signs every POST with Standard Webhooks headers, as `OPS_ALERT_WEBHOOK_SECRET`:
   * `whsec_` + base64 of 24 to 64 random bytes; several, comma-separated,
   * sign each POST once each (a rotation). Required in production when
   * `STATUS_WEBHOOK_URL` is set (an unsigned status could be forged).
   */
  STATUS_WEBHOOK_SECRET: webhookSecretSetting(),
  /** Statuses reported, comma-separated. Default: SENT, DELIVERED, READ, FAILED, DEAD, BOUNCED, COMPLAINED, SUPPRESSED, CANCELED. */
  STATUS_WEBHOOK_STATUSES: commaList(NOTIFICATION_STATUSES)
    .refine((list) => list.length > 0, "name at least one status (unset STATUS_WEBHOOK_URL to turn it off)")
    .default([...DEFAULT_STATUS_WEBHOOK_STATUSES]),
  /** Most changes in one POST. Default 100. */
  STATUS_WEBHOOK_BATCH_SIZE: z.coerce.number().int().min(1).max(STATUS_WEBHOOK_MAX_BATCH).default(100),
  /** Batches one process POSTs at once. Default 2. */
  STATUS_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** An answer later than this is a failure (retried). Default `10s`. */
  STATUS_WEBHOOK_TIMEOUT: duration("10s", 100, "100ms"),
  /** How often an idle dispatcher looks for new changes: the delivery delay when healthy. Default `250ms`. */
  STATUS_WEBHOOK_POLL_INTERVAL: duration("250ms", 10, "10ms"),
  /** Longest wait between two attempts of a refused batch (the waits double from 1 s). Default `5m`. */
  STATUS_WEBHOOK_RETRY_MAX: duration("5m", 1000, "1s"),
  /** Changes not delivered by this age are dropped, with an error log line and a metric. Default `24h`. */
  STATUS_WEBHOOK_MAX_AGE: duration("24h", 60_000, "1m"),
  /**
   * A batch the receiver refuses for its body (400, 413, 422) this many
   * times in a row is split in two, older changes first; a single change
   * refused this many times is dropped (error log line, metric). Other
   * failures (401, 404, 429, 5xx, timeouts) never split a batch. 0: never
   * split or drop (such a batch is retried until `STATUS_WEBHOOK_MAX_AGE`). Default 3.
   */
  STATUS_WEBHOOK_SPLIT_AFTER: z.coerce.number().int().min(0).max(100).default(3),
  /**
   * Let the endpoints added through `/v1/webhook-endpoints` (the
   * `webhook_endpoints` table) reach loopback, private, link-local and other
   * non-public addresses. Default false: each POST to one connects only to
   * the public addresses its host resolves to, checked as the connection is
   * made (a DNS answer that changes after the API's check gains nothing), as
   * an admin key chose the URL. The API's setting of the same name governs
   * its create, update and test ping. `STATUS_WEBHOOK_URL` is never checked.
   */
  WEBHOOK_ALLOW_PRIVATE_ENDPOINTS: booleanFlag(false),
};

type Parsed = z.infer<z.ZodObject<typeof statusWebhookEnvShape>>;

/** Refuses an unsigned status webhook in production. */
export function refineStatusWebhookEnv(e: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (e.NODE_ENV === "production" && e.STATUS_WEBHOOK_URL && !e.STATUS_WEBHOOK_SECRET)
    ctx.addIssue({
      code: "custom",
      path: ["STATUS_WEBHOOK_SECRET"],
      message:
        'is required in production when STATUS_WEBHOOK_URL is set (receivers must tell Herald\'s POSTs from forged ones); make one with: echo "whsec_$(openssl rand -base64 32)"',
    });
}

export interface StatusWebhookEnv {
  /** Null: off. */
  url: string | null;
  /** Key bytes of `STATUS_WEBHOOK_SECRET`, one per secret (several during a rotation); null: unsigned. */
  secret: Buffer[] | null;
  statuses: NotificationStatus[];
  batchSize: number;
  concurrency: number;
  timeoutMs: number;
  pollIntervalMs: number;
  retryMaxMs: number;
  maxAgeMs: number;
  /** Consecutive content rejections (400, 413, 422) that split a batch, or drop its one change; 0: never. */
  splitAfter: number;
  /** `WEBHOOK_ALLOW_PRIVATE_ENDPOINTS`: endpoints of the table may be on non-public addresses. */
  allowPrivateEndpoints: boolean;
}

export function toStatusWebhookEnv(e: Parsed): StatusWebhookEnv {
  return {
    url: e.STATUS_WEBHOOK_URL ?? null,
    secret: e.STATUS_WEBHOOK_SECRET ?? null,
    // Each once, in the catalog's order: the setting the triggers read does not depend on how it was typed.
    statuses: NOTIFICATION_STATUSES.filter((s) => e.STATUS_WEBHOOK_STATUSES.includes(s)),
    batchSize: e.STATUS_WEBHOOK_BATCH_SIZE,
    concurrency: e.STATUS_WEBHOOK_CONCURRENCY,
    timeoutMs: e.STATUS_WEBHOOK_TIMEOUT,
    pollIntervalMs: e.STATUS_WEBHOOK_POLL_INTERVAL,
    retryMaxMs: e.STATUS_WEBHOOK_RETRY_MAX,
    maxAgeMs: e.STATUS_WEBHOOK_MAX_AGE,
    splitAfter: e.STATUS_WEBHOOK_SPLIT_AFTER,
    allowPrivateEndpoints: e.WEBHOOK_ALLOW_PRIVATE_ENDPOINTS,
  };
}
