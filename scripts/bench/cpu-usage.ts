import { readFileSync } from "node:fs";
import type { DbHandle } from "@herald/db";

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

export interface CpuMeter {
  /** CPU cores used on average per process group since `start()`: 1.0 = one core busy all the time. */
  stop(): Promise<Record<string, number>>;
  /** After `stop()`: each Herald process's p99 event loop delay in ms over the same time, where it was read. */
  eventLoopP99Ms?(): Record<string, number>;
}

/**
 * Where the CPU went during a scenario: each Herald process, the PostgreSQL
 * backends serving this system's database, redis-server (shared with
 * anything else on this Redis) and this bench process itself ("bench": the
 * load generator and any provider fake, which share the machine's cores with
 * Herald). Read from /proc at start and end.
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
  const snapshot = async () => {
    const out: Record<string, Map<number, number>> = {};
    const add = (group: string, pid: number) => {
      const s = cpuSeconds(pid);
      if (s === null) return;
      out[group] ??= new Map();
      out[group].set(pid, s);
    };
    for (const [name, pid] of Object.entries(processes)) add(name, pid);
    for (const pid of await backends()) add("postgres", pid);
    if (redisPid) add("redis", redisPid);
    add("bench", process.pid);
    return out;
  };
  const t0 = performance.now();
  const first = await snapshot();
  return {
    async stop() {
      const last = await snapshot();
      const secs = (performance.now() - t0) / 1000;
      const usage: Record<string, number> = {};
      for (const [group, pids] of Object.entries(last)) {
        let used = 0;
        for (const [pid, s] of pids) used += s - (first[group]?.get(pid) ?? 0);
        usage[group] = Number((used / secs).toFixed(2));
      }
      return usage;
    },
  };
}

/** redis-server's pid from INFO (null when Redis runs elsewhere, e.g. in a container). */
export async function redisPid(info: string): Promise<number | null> {
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  return Number.isFinite(pid) && cpuSeconds(pid) !== null ? pid : null;
}
