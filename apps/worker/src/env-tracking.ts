import { booleanFlag, durationMs } from "@herald/config";
import { resolveTrackingSecret } from "@herald/tracking";
import { z } from "zod";

/** The worker's tracking and retention settings, merged into its env schema. */
export const trackingEnvFragment = {
  /** HMAC secret of open/click tracking links; must equal the API's. Required in production. */
  TRACKING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Master switch for e-mail open/click tracking (types can opt out one by one). */
  EMAIL_TRACKING: booleanFlag(true),
  /** Purge notifications, timelines, outbox and webhook receipts older than this many days; 0 keeps everything. */
  RETENTION_DAYS: z.coerce.number().int().min(0).default(90),
  /** Rows deleted per statement by the retention job. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
  /** How often the retention job runs, e.g. `1h`. */
  RETENTION_INTERVAL: durationMs("1h"),
  /**
   * Delete audit log entries older than this (`365d`, `2y` is `730d`); `0` keeps them all. Apart from
   * `RETENTION_DAYS`: compliance usually keeps who-did-what longer than the messages themselves.
   */
  AUDIT_LOG_RETENTION: durationMs("365d"),
};

export interface TrackingEnv {
  trackingSecret: string;
  emailTracking: boolean;
  retention: { days: number; batchSize: number; intervalMs: number; auditLogMs: number };
}

export function trackingEnv(e: Record<string, unknown> & { NODE_ENV: string }): TrackingEnv {
  return {
    trackingSecret: resolveTrackingSecret(e.NODE_ENV, e.TRACKING_SECRET as string | undefined),
    emailTracking: e.EMAIL_TRACKING as boolean,
    retention: {
      days: e.RETENTION_DAYS as number,
      batchSize: e.RETENTION_BATCH_SIZE as number,
      intervalMs: e.RETENTION_INTERVAL as number,
      auditLogMs: e.AUDIT_LOG_RETENTION as number,
    },
  };
}
