import type { CpuMeter } from "./cpu-usage.ts";
import { eventsBetween, waitDrained } from "./delivery-stats.ts";
import type { HeraldSystem } from "./herald-system.ts";
import type { HttpClient } from "./http-load.ts";
import type { MemorySampler } from "./process-memory.ts";
import type { UnsentBacklog } from "./unsent-backlog.ts";

export interface SaturatedRun {
  memory: MemorySampler;
  cpuMeter: CpuMeter;
  backlog: UnsentBacklog;
  client: HttpClient;
  start: Date;
  end: Date;
  durationS: number;
}

/**
 * The end of a back-pressured load (scenarios 2 and 3): stops the samplers,
 * waits up to 30 s for the backlog to drain, closes the load's connections,
 * and returns the measuring window — the run minus its first fifth (at most
 * 5 s) of warm-up — with the events accepted in it.
 */
export async function endSaturatedRun(system: HeraldSystem, run: SaturatedRun) {
  run.memory.stop();
  const cpu = await run.cpuMeter.stop();
  const drained = await waitDrained(system.db, 30_000);
  await run.backlog.close();
  run.client.close();
  const from = new Date(run.start.getTime() + Math.min(5000, (run.durationS * 1000) / 5));
  const seconds = (run.end.getTime() - from.getTime()) / 1000;
  const events = await eventsBetween(system.db, from, run.end);
  return {
    cpu,
    drained,
    from,
    seconds,
    events,
    note: drained ? {} : { note: "backlog not drained 30 s after the load stopped" },
  };
}
