import { booleanFlag } from "@herald/config";
import { parseWebhookSecret } from "@herald/webhook-signing";
import { z } from "zod";

/**
 * A Standard Webhooks signing secret variable (`whsec_` + base64 of 24 to 64
 * bytes) as its key bytes; refused at boot with how to make one. Optional.
 * Several, comma-separated, while the receiver changes secrets (a rotation):
 * every POST then carries one signature per secret, so the receiver accepts
 * it with the old secret or the new one, whichever it has at the moment.
 */
export const webhookSecretSetting = () =>
  z
    .string()
    .transform((value, ctx) => {
      const items = value.split(",").map((s) => s.trim());
      const keys: Buffer[] = [];
      for (const [i, item] of items.entries()) {
        try {
          keys.push(parseWebhookSecret(item));
        } catch (err) {
          // Which one, never the secret itself: the message ends up in logs.
          const which = items.length > 1 ? `secret ${i + 1} of ${items.length} ` : "";
          ctx.addIssue({ code: "custom", message: `${which}${(err as Error).message}` });
          return z.NEVER;
        }
      }
      return keys;
    })
    .optional();

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Worker variables for health, crash recovery, reconciliation and ops alerts (merged into env.ts). */
export const reliabilityEnvSchema = z.object({
  /** Port of the worker's `/healthz` + `/readyz` server. Unset: no server. `0`: any free port. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WORKER_HEALTH_HOST: z.string().default("0.0.0.0"),
  /**
   * How long a job's lock lives without renewal. A killed worker's jobs are
   * taken over by another worker within about twice this.
   */
  JOB_LOCK_MS: ms(30_000),
  /**
   * After a provider accepted a message, how long to keep retrying the SENT
   * write while PostgreSQL is unreachable (giving up means the message may be sent again).
   */
  STATUS_WRITE_RETRY_MS: ms(300_000),
  /**
   * Before re-sending a notification whose worker died mid-send, ask the
   * provider whether it already has it (providers that support the lookup).
   */
  RECOVERY_LOOKUP: booleanFlag(true),
  /** How often the reconciler looks for work whose job was lost. */
  RECONCILE_INTERVAL_MS: ms(60_000),
  /** Age after which an unrouted event or an unsent notification is checked against the queue. */
  RECONCILE_AFTER_MS: ms(300_000),
  /** Where dead-letter alerts are POSTed (JSON). Unset: alerts are only logged. */
  OPS_ALERT_WEBHOOK_URL: z.url().optional(),
  /**
   * Signs every alert POST with Standard Webhooks headers (`webhook-id`,
   * `webhook-timestamp`, `webhook-signature`), so the receiver can tell
   * Herald's alerts from anyone's. `whsec_` + base64 of 24 to 64 random bytes.
   * Unset: alerts go unsigned.
   */
  OPS_ALERT_WEBHOOK_SECRET: webhookSecretSetting(),
  /** How long the first dead letter waits for others before the alert goes out. */
  OPS_ALERT_GROUP_WAIT_MS: ms(30_000),
  /** Least time between two alerts, across all worker processes. */
  OPS_ALERT_INTERVAL_MS: ms(300_000),
});

type Parsed = z.infer<typeof reliabilityEnvSchema>;

export interface ReliabilityEnv {
  healthPort: number | null;
  healthHost: string;
  jobLockMs: number;
  statusWriteRetryMs: number;
  recoveryLookup: boolean;
  reconcileIntervalMs: number;
  reconcileAfterMs: number;
  opsAlertWebhookUrl: string | null;
  /** `OPS_ALERT_WEBHOOK_SECRET`'s key bytes, one per secret; null (the default): alerts are not signed. */
  opsAlertWebhookSecret: Buffer[] | null;
  opsAlertGroupWaitMs: number;
  opsAlertIntervalMs: number;
}

export function toReliabilityEnv(e: Parsed): ReliabilityEnv {
  return {
    healthPort: e.WORKER_HEALTH_PORT ?? null,
    healthHost: e.WORKER_HEALTH_HOST,
    jobLockMs: e.JOB_LOCK_MS,
    statusWriteRetryMs: e.STATUS_WRITE_RETRY_MS,
    recoveryLookup: e.RECOVERY_LOOKUP,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    reconcileAfterMs: e.RECONCILE_AFTER_MS,
    opsAlertWebhookUrl: e.OPS_ALERT_WEBHOOK_URL ?? null,
    opsAlertWebhookSecret: e.OPS_ALERT_WEBHOOK_SECRET ?? null,
    opsAlertGroupWaitMs: e.OPS_ALERT_GROUP_WAIT_MS,
    opsAlertIntervalMs: e.OPS_ALERT_INTERVAL_MS,
  };
}
