import { readFileSync } from "node:fs";

/** Resident memory of one process in MB (`VmRSS`), and its high-water mark (`VmHWM`); null once it is gone. */
export function readRss(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

export interface MemorySampler {
  /** Peak sampled RSS per process name while sampling, in MB. */
  peaks(): Record<string, number>;
  /** VmHWM per process: the high-water mark since the process started (includes start-up). */
  highWater(): Record<string, number>;
  /** Current RSS per process name. */
  now(): Record<string, number>;
  /** RSS series of one process (every sample). */
  series(name: string): { t: number; rssMb: number }[];
  stop(): void;
}

/** Samples `/proc/<pid>/status` of each process every `intervalMs`. */
export function sampleMemory(processes: Record<string, number>, intervalMs = 500): MemorySampler {
  const peak: Record<string, number> = {};
  const hwm: Record<string, number> = {};
  const series: Record<string, { t: number; rssMb: number }[]> = {};
  const t0 = performance.now();
  const tick = () => {
    for (const [name, pid] of Object.entries(processes)) {
      const m = readRss(pid);
      if (!m) continue;
      peak[name] = Math.max(peak[name] ?? 0, m.rssMb);
      hwm[name] = m.hwmMb;
      series[name] ??= [];
      series[name].push({ t: (performance.now() - t0) / 1000, rssMb: m.rssMb });
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    peaks: () => ({ ...peak }),
    highWater: () => ({ ...hwm }),
    now: () =>
      Object.fromEntries(
        Object.entries(processes).map(([name, pid]) => [name, readRss(pid)?.rssMb ?? Number.NaN]),
      ),
    series: (name) => series[name] ?? [],
    stop() {
      tick();
      clearInterval(timer);
    },
  };
}
