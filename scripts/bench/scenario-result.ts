import type { SwitchRate } from "./cpu-usage.ts";
import type { PriorityLatency, StageLatency, WindowLatency } from "./delivery-stats.ts";
import type { Percentiles } from "./percentiles.ts";
import type { PgActivity } from "./pg-activity.ts";
import type { PgStatementTime } from "./pg-statements.ts";
import type { CapacityProbeResult } from "./scenario-capacity.ts";

export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  /** Null: reported only, the issue sets no bar for it. */
  met: boolean | null;
}

/** What one scenario reports (the JSON output is a list of these plus the raw ceiling). */
export interface ScenarioResult {
  id: string;
  title: string;
  status: "ok" | "skipped" | "failed";
  /** Why skipped/failed, or a remark on the run. */
  note?: string;
  seconds: number;
  eventsPerSec: number;
  notificationsPerSec: number;
  sentPerSec: number;
  latency: PriorityLatency[];
  /** The same latency split at the notification insert (routing, then sending), where measured. */
  stages?: StageLatency[];
  /** Accept→sent p99 per priority and window of acceptance, where measured. */
  windows?: WindowLatency[];
  /** The capacity search's probes, one per rate tried. */
  capacity?: CapacityProbeResult[];
  /** Latency of single-event POSTs as the load generator saw them. */
  api?: Percentiles;
  peakRssMb: Record<string, number>;
  /** Average cores busy during the measured run, per process group (api, worker-N, postgres, redis). */
  cpu?: Record<string, number>;
  /** p99 event loop delay (ms) per Herald process over the same run. */
  eventLoopP99Ms?: Record<string, number>;
  /** Context switches per second per process group over the same run. */
  switchesPerSec?: Record<string, SwitchRate>;
  /** What PostgreSQL's busy backends were doing over the same run. */
  pgActivity?: PgActivity;
  /** PostgreSQL's execution time by statement, where the server has `pg_stat_statements`. */
  pgStatements?: PgStatementTime[];
  targets: TargetCheck[];
  extra: Record<string, unknown>;
}

export function skipped(id: string, title: string, note: string): ScenarioResult {
  return emptyResult(id, title, "skipped", note);
}

/** A scenario that produced no measurement (skipped, or failed with `note`). */
export function emptyResult(
  id: string,
  title: string,
  status: ScenarioResult["status"],
  note: string,
): ScenarioResult {
  return {
    id,
    title,
    status,
    note,
    seconds: 0,
    eventsPerSec: 0,
    notificationsPerSec: 0,
    sentPerSec: 0,
    latency: [],
    peakRssMb: {},
    targets: [],
    extra: {},
  };
}
