import { type Db, insertAuditEntry, type NewAuditEntry } from "@herald/db";
import type { Logger } from "@herald/logger";
import { counterFamily, type MetricFamily } from "@herald/metrics";

/** Larger `details` are cut down to their keys: an entry stays small whatever a request carried. */
export const MAX_DETAILS_CHARS = 4096;

/**
 * Writes audit entries off the request's path: the action has answered (its
 * own transaction committed) before its entry is inserted, so a slow or
 * failing audit insert neither delays nor fails it. A failed insert is logged
 * at error and counted (`herald_audit_log_writes_total{outcome="failed"}`);
 * the entry is lost.
 */
export interface AuditWriter {
  write(entry: NewAuditEntry): void;
  /** Resolves once every write started so far has ended (shutdown, tests). */
  settled(): Promise<void>;
  families(): MetricFamily[];
}

export function createAuditWriter(db: Db, logger: Logger): AuditWriter {
  const pending = new Set<Promise<void>>();
  const counts = { written: 0, failed: 0 };
  return {
    write(entry) {
      const details =
        JSON.stringify(entry.details).length > MAX_DETAILS_CHARS
          ? { truncated: true, keys: Object.keys(entry.details) }
          : entry.details;
      const done: Promise<void> = insertAuditEntry(db, { ...entry, details })
        .then(
          () => {
            counts.written++;
          },
          (err: Error) => {
            counts.failed++;
            logger.error(
              { err: err.message, action: entry.action, requestId: entry.requestId, actorId: entry.actor.id },
              "audit log write failed; the action itself was done",
            );
          },
        )
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    families() {
      return [
        counterFamily(
          "herald_audit_log_writes_total",
          "Audit log entries this API process wrote (outcome=written) or failed to write (outcome=failed: the action was done, its entry is lost; see the error log).",
          (["written", "failed"] as const).map((outcome) => ({
            labels: { outcome },
            value: counts[outcome],
          })),
        ),
      ];
    },
  };
}
