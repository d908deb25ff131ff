import { type OrphanSweep, sweepOrphanedStatusChanges } from "@herald/db";
import type { WorkerDeps } from "../deps.ts";

/**
 * One sweep's time budget: a backlog of millions left by a deleted endpoint
 * goes over several minutes' sweeps instead of one statement or one tick that
 * runs for minutes (each chunk of 5,000 is its own short transaction).
 */
export const ORPHAN_SWEEP_BUDGET_MS = 10_000;

/**
 * Drops the changes and batches of endpoints deleted through the API
 * (`sweepOrphanedStatusChanges`): counted as `status_webhooks_endpoint_deleted`,
 * one info line per sweep that dropped something (ids and counts only).
 * `count` adds to the reliability counters, as the dispatcher's other counts do.
 */
export async function sweepDeletedEndpoints(
  deps: Pick<WorkerDeps, "db" | "logger">,
  count: (field: string, by: number) => void,
): Promise<OrphanSweep> {
  const swept = await sweepOrphanedStatusChanges(deps.db, { budgetMs: ORPHAN_SWEEP_BUDGET_MS });
  if (swept.count > 0) count("status_webhooks_endpoint_deleted", swept.count);
  if (swept.count > 0 || swept.batches > 0)
    deps.logger.info(
      { dropped: swept.count, byEndpoint: swept.byEndpoint, batches: swept.batches, more: swept.more },
      `status webhooks: dropped ${swept.count} change(s) waiting for deleted endpoint(s)`,
    );
  return swept;
}
