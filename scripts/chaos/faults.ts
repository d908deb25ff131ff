import type { Queues } from "@herald/jobs";
import type { ChaosOptions } from "./options.ts";
import type { ChaosSystem } from "./system.ts";
import { EXPECTED_CHANNELS } from "./tally.ts";

export type Fault =
  | { at: number; kind: "kill-worker"; slot: number }
  | { at: number; kind: "restart-redis" }
  | { at: number; kind: "stop-postgres" };

export interface FaultRecord {
  /** Seconds since the load started. */
  atS: number;
  what: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where in the load (as a fraction of its duration) each fault lands. Kills avoid the outages. */
const KILL_AT = [0.1, 0.25, 0.5, 0.85, 0.18, 0.92];

export function faultPlan(options: ChaosOptions): Fault[] {
  const plan: Fault[] = KILL_AT.slice(0, options.kills).map((at, i) => ({
    at,
    kind: "kill-worker" as const,
    slot: i % options.workers,
  }));
  if (!options.noOutages) plan.push({ at: 0.36, kind: "restart-redis" }, { at: 0.62, kind: "stop-postgres" });
  return plan.sort((a, b) => a.at - b.at);
}

/** Send jobs process `pid` holds right now (BullMQ records the worker name, `<host>:<pid>`, on active jobs). */
async function sendsHeldBy(queues: Queues, pid: number): Promise<number> {
  const active = await Promise.all(
    EXPECTED_CHANNELS.map((c) =>
      queues
        .get(c)
        .getJobs(["active"])
        .catch(() => []),
    ),
  );
  return active.flat().filter((j) => j?.processedBy?.endsWith(`:${pid}`)).length;
}

/** Waits (up to `ms`) until the worker is in the middle of sending, so the kill lands mid-send. */
async function midSend(queues: Queues, pid: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const held = await sendsHeldBy(queues, pid);
    if (held > 0 || Date.now() > deadline) return held;
    await sleep(20);
  }
}

/**
 * Runs the plan against the live system while the load runs. Faults are
 * sequential (one finishes before the next starts); a killed worker is
 * restarted a second later, as a supervisor would.
 */
export async function runFaults(
  system: ChaosSystem,
  queues: Queues,
  plan: Fault[],
  options: ChaosOptions,
  loadStartedAt: number,
  expectedLoadMs: number,
  log: (line: string) => void,
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  const note = (what: string) => {
    const atS = (Date.now() - loadStartedAt) / 1000;
    records.push({ atS, what });
    log(`+${atS.toFixed(1)}s ${what}`);
  };
  // A restart (tsx start-up) can take a while on a busy machine; it runs in
  // the background so the schedule holds, and a slot is only killed again once it is back.
  const restarts = new Map<number, Promise<void>>();
  for (const fault of plan) {
    const wait = loadStartedAt + fault.at * expectedLoadMs - Date.now();
    if (wait > 0) await sleep(wait);
    if (fault.kind === "kill-worker") {
      const slot = system.workers[fault.slot]!;
      await restarts.get(slot.index);
      // A slot whose worker crashed by itself is being restarted by the supervisor: wait for it.
      while (slot.expectingExit || !slot.process.running) await sleep(200);
      const pid = slot.process.pid;
      const held = await midSend(queues, pid, 10_000);
      slot.expectingExit = true;
      await slot.process.kill();
      note(`kill -9 worker-${slot.index} (pid ${pid}) holding ${held} send jobs`);
      restarts.set(
        slot.index,
        sleep(1000)
          .then(() => system.restartWorker(slot))
          .then(() => note(`worker-${slot.index} restarted (pid ${slot.process.pid})`)),
      );
    } else if (fault.kind === "restart-redis") {
      if (options.redisCrash) await system.redis.kill();
      else await system.redis.stop();
      note(`Redis ${options.redisCrash ? "killed (SIGKILL)" : "stopped (SIGTERM)"}`);
      await sleep(options.redisDownMs);
      await system.redis.start();
      note("Redis started again (state from its AOF)");
    } else {
      await system.pg.stop();
      note("PostgreSQL stopped");
      await sleep(options.pgDownMs);
      await system.pg.start();
      note(`PostgreSQL started again after ${options.pgDownMs / 1000}s`);
    }
  }
  await Promise.all(restarts.values());
  return records;
}
