import { readFileSync } from "node:fs";
import type { DbHandle } from "@herald/db";
import type { PgActivity } from "./pg-activity.ts";
import type { PgStatementTime } from "./pg-statements.ts";

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

/** Context switches of the processes in one group, per second. */
export interface SwitchRate {
  /** The process gave up its core to wait (a read, a lock, a timer): roughly its wake-ups. */
  voluntary: number;
  /** The scheduler took its core away while it could still run: it competed for a CPU. */
  involuntary: number;
}

/** Counters read after a scenario, besides the CPU use `stop()` returns. */
export interface ScenarioDiagnostics {
  /** Each Herald process's p99 event loop delay in ms, where it was read. */
  eventLoopP99Ms?: Record<string, number>;
  /** Context switches per second per process group (as `stop()` groups CPU). */
  switchesPerSec?: Record<string, SwitchRate>;
  /** What the system's PostgreSQL backends did while busy (`pg-activity.ts`). */
  pgActivity?: PgActivity;
  /** PostgreSQL's execution time by statement, where the server has `pg_stat_statements` (`pg-statements.ts`). */
  pgStatements?: PgStatementTime[];
}

export interface CpuMeter {
  /** CPU cores used on average per process group since `start()`: 1.0 = one core busy all the time. */
  stop(): Promise<Record<string, number>>;
  /** After `stop()`: what else was measured over the same time. */
  diagnostics?(): ScenarioDiagnostics;
}

/** A process's voluntary and involuntary context switches so far; null once it is gone. */
export function contextSwitches(pid: number): [number, number] | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const voluntary = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
    const involuntary = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status);
    return voluntary && involuntary ? [Number(voluntary[1]), Number(involuntary[1])] : null;
  } catch {
    return null;
  }
}

/**
 * Where the CPU went during a scenario: each Herald process, the PostgreSQL
 * backends serving this system's database, redis-server (shared with
 * anything else on this Redis) and this bench process itself ("bench": the
 * load generator and any provider fake, which share the machine's cores with
 * Herald). Read from /proc at start and end, with each group's context
 * switches per second (`diagnostics()`).
 */
export async function meterCpu(
  processes: Record<string, number>,
  db: DbHandle,
  redisPid: number | null,
): Promise<CpuMeter> {
  const backends = async () =>
    (
      await db.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`
    ).map((r) => r.pid);
  /** Per group, per pid: CPU seconds, voluntary and involuntary switches. */
  const snapshot = async () => {
    const out: Record<string, Map<number, [number, number, number]>> = {};
    const add = (group: string, pid: number) => {
      const s = cpuSeconds(pid);
      const switches = contextSwitches(pid);
      if (s === null || switches === null) return;
      out[group] ??= new Map();
      out[group].set(pid, [s, ...switches]);
    };
    for (const [name, pid] of Object.entries(processes)) add(name, pid);
    for (const pid of await backends()) add("postgres", pid);
    if (redisPid) add("redis", redisPid);
    add("bench", process.pid);
    return out;
  };
  const t0 = performance.now();
  const first = await snapshot();
  const switches: Record<string, SwitchRate> = {};
  return {
    async stop() {
      const last = await snapshot();
      const secs = (performance.now() - t0) / 1000;
      const usage: Record<string, number> = {};
      for (const [group, pids] of Object.entries(last)) {
        const used = [0, 0, 0];
        for (const [pid, now] of pids) {
          // A backend that connected during the run counts from zero.
          const before = first[group]?.get(pid) ?? [0, 0, 0];
          for (let i = 0; i < 3; i++) used[i]! += now[i]! - before[i]!;
        }
        usage[group] = Number((used[0]! / secs).toFixed(2));
        switches[group] = {
          voluntary: Math.round(used[1]! / secs),
          involuntary: Math.round(used[2]! / secs),
        };
      }
      return usage;
    },
    diagnostics: () => ({ switchesPerSec: switches }),
  };
}

/** redis-server's pid from INFO (null when Redis runs elsewhere, e.g. in a container). */
export async function redisPid(info: string): Promise<number | null> {
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  return Number.isFinite(pid) && cpuSeconds(pid) !== null ? pid : null;
}
