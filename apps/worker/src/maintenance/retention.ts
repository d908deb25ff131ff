import { type PurgeResult, purgeAuditLog, purgeExpired, purgeExpiredApiKeyReplays } from "@herald/db";
import { DEFAULT_JOB_OPTIONS } from "@herald/jobs";
import type { WorkerDeps } from "../deps.ts";

/** Job scheduler id on the `maintenance` queue (other maintenance jobs use their own ids). */
export const RETENTION_SCHEDULER_ID = "retention";

/**
 * Registers (or updates, or with `RETENTION_DAYS=0` and `AUDIT_LOG_RETENTION=0`
 * removes) the periodic purge. A BullMQ job scheduler lives in Redis, so however many worker
 * processes call this, one purge job runs per interval.
 */
export async function scheduleRetention(deps: WorkerDeps): Promise<void> {
  const queue = deps.queues.get("maintenance");
  const { days, intervalMs, auditLogMs } = deps.env.retention;
  if (days === 0 && auditLogMs === 0) {
    await queue.removeJobScheduler(RETENTION_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { every: intervalMs },
    { name: "purge", data: {}, opts: DEFAULT_JOB_OPTIONS.maintenance },
  );
}

/**
 * One retention run: deletes what is older than `RETENTION_DAYS`, then audit
 * log entries older than `AUDIT_LOG_RETENTION` (each skipped when 0), in
 * batches, within half an interval; and, whatever those settings, the stored
 * answers of idempotent API key creates and rotates past their 24 h (they
 * hold encrypted secrets: no reason to keep one longer).
 */
export async function runRetention(deps: WorkerDeps) {
  const { days, batchSize, intervalMs, auditLogMs } = deps.env.retention;
  const now = deps.now();
  const deadline = new Date(Date.now() + Math.max(60_000, intervalMs / 2));
  let purged: PurgeResult | null = null;
  if (days > 0) {
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    purged = await purgeExpired(deps.db, { cutoff, batchSize, deadline });
    deps.logger.info({ cutoff: cutoff.toISOString(), ...purged }, "retention purge");
  }
  let auditLog: { deleted: number; complete: boolean } | null = null;
  if (auditLogMs > 0) {
    const cutoff = new Date(now.getTime() - auditLogMs);
    auditLog = await purgeAuditLog(deps.db, { cutoff, batchSize, deadline });
    deps.logger.info({ cutoff: cutoff.toISOString(), ...auditLog }, "audit log retention purge");
  }
  const apiKeyReplays = await purgeExpiredApiKeyReplays(deps.db, { now, batchSize, deadline });
  if (apiKeyReplays.deleted > 0) deps.logger.info(apiKeyReplays, "expired api key answers purged");
  if (!purged && !auditLog) return { skipped: true, apiKeyReplays };
  return { ...purged, auditLog, apiKeyReplays };
}
