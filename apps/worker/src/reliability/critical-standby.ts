import type { Logger } from "@herald/logger";
import type { Queue, Worker } from "bullmq";
import { pausedFor } from "../channels/provider-throttle.ts";

/** A critical lane this process does not serve, and how to start serving it. */
export interface StandbyLane {
  /** The lane's queue name before hash-tagging, e.g. `email_critical`. */
  name: string;
  queue: Queue;
  /** Creates the lane's worker, not yet running (`autorun: false`). Called once, on first need. */
  createWorker(): Worker;
}

export interface CriticalStandbyOptions {
  /**
   * How long one job may stay first in a critical lane before this process
   * serves the lane too. Default 2,000 ms (`CRITICAL_LANE_FALLBACK_MS`).
   */
  afterMs: number;
  /** Between two looks at the lanes. Default: half of `afterMs`, at most 1 s. */
  checkEveryMs?: number;
  /** False while the process must not take jobs (database down, draining). */
  canServe(): boolean;
  /** Called each time this process starts serving a lane (a metric). Default: nothing. */
  onStandIn?(lane: string): void;
  logger: Logger;
}

export interface CriticalStandby {
  /** The lanes this process is serving right now. */
  serving(): string[];
  /** Stops serving every lane now; the next look starts again where a lane still waits. */
  pauseAll(): void;
  /** Stops looking and closes the lanes' workers, waiting for their jobs in hand. */
  close(): Promise<void>;
}

interface LaneState {
  lane: StandbyLane;
  worker?: Worker;
  serving: boolean;
  /** The jobs first in line at the last look, and when each was first seen there. */
  heads: Map<string, number>;
}

/** Active jobs looked at for a lost lock: the oldest few (a dead process held them). */
const ACTIVE_CHECKED = 10;

/**
 * Whether one of the lane's oldest active jobs has no lock: its process died
 * with it in hand (a live one renews the lock every half `JOB_LOCK_MS`).
 * Only a worker of the lane's queue moves such a job back to wait (BullMQ's
 * stalled check, which needs a live worker and two passes `JOB_LOCK_MS`
 * apart), so with no critical process the lane would keep it for ever.
 */
async function heldByNobody(queue: Queue): Promise<boolean> {
  const active = await queue.getRanges(["active"], 0, ACTIVE_CHECKED - 1, true);
  if (active.length === 0) return false;
  const client = await queue.backend.client;
  const locks = await Promise.all(active.map((id) => client.get(`${queue.toKey(id)}:lock`)));
  return locks.some((token) => token === null);
}

/**
 * A `WORKER_LANES=normal` process leaves the critical lanes to a process of
 * their own, so that a password reset never waits behind the bulk's event
 * loop. Should that process be missing (not deployed, crashed, overwhelmed),
 * critical work must not stall: this watches each critical lane and, when a
 * job has stayed first in line for `afterMs`, serves the lane from this
 * process until it is empty, then steps back. A healthy critical process
 * takes a job within milliseconds, so the same job first in line at two
 * looks `afterMs` apart means nobody is taking them, unless a provider's
 * 429 paused the lane (`pauseChannel`): its jobs' wait starts when the pause
 * ends. Retries promoted from `delayed` start their wait when they reach the
 * line, not when first added.
 * A lane whose job in hand lost its lock is served at once: its worker's
 * stalled check is what hands that job to a live process.
 */
export function startCriticalStandby(lanes: StandbyLane[], options: CriticalStandbyOptions): CriticalStandby {
  const { afterMs, logger } = options;
  const every = options.checkEveryMs ?? Math.min(1000, Math.max(50, Math.floor(afterMs / 2)));
  const states: LaneState[] = lanes.map((lane) => ({ lane, serving: false, heads: new Map() }));
  let looking: Promise<void> | undefined;
  let closed = false;

  const stopServing = (s: LaneState, why: string) => {
    if (!s.serving) return;
    s.serving = false;
    // Jobs in hand finish; the wait for the next one is cut short, so none is taken after this.
    s.worker
      ?.pause()
      .catch((err: Error) => logger.warn({ queue: s.lane.name, err: err.message }, "pause failed"));
    logger.info({ queue: s.lane.name }, `critical lane ${why}: back to standby`);
  };

  const serve = (s: LaneState, why: string) => {
    s.serving = true;
    if (!s.worker) {
      s.worker = s.lane.createWorker();
      s.worker
        .run()
        .catch((err: Error) => logger.error({ queue: s.lane.name, err: err.message }, "worker stopped"));
    } else
      s.worker
        .resume()
        .catch((err: Error) => logger.error({ queue: s.lane.name, err: err.message }, "resume failed"));
    options.onStandIn?.(s.lane.name);
    logger.warn(
      { queue: s.lane.name, why },
      "critical lane unserved: this process serves it until it is empty (is a WORKER_LANES=critical process running?)",
    );
  };

  const lookAt = async (s: LaneState) => {
    const ids = await s.lane.queue.getRanges(["wait", "prioritized"], 0, 0, true);
    const stalled = await heldByNobody(s.lane.queue);
    const now = Date.now();
    if (ids.length === 0 && !stalled) {
      s.heads.clear();
      stopServing(s, "empty");
      return;
    }
    s.heads = new Map(ids.map((id) => [id, s.heads.get(id) ?? now]));
    if (s.serving || !options.canServe()) return;
    if (stalled) return serve(s, "a job in hand lost its lock (its process died)");
    const waited = Math.max(...[...s.heads.values()].map((seen) => now - seen));
    if (waited < afterMs) return;
    // Nobody may take a job while a provider's 429 pauses the lane: its jobs' wait starts when the pause ends.
    if ((await pausedFor(s.lane.queue)) > 0) {
      for (const id of s.heads.keys()) s.heads.set(id, Date.now());
      return;
    }
    serve(s, `a job waited ${waited} ms with nobody taking it`);
  };

  const look = async () => {
    for (const s of states) {
      if (closed) return;
      await lookAt(s).catch((err: Error) =>
        logger.debug({ queue: s.lane.name, err: err.message }, "could not look at the critical lane"),
      );
    }
  };

  // A process serving every lane (or only the critical ones) has nothing to watch.
  const timer =
    states.length === 0
      ? undefined
      : setInterval(() => {
          looking ??= look().finally(() => {
            looking = undefined;
          });
        }, every);
  timer?.unref();

  return {
    serving: () => states.filter((s) => s.serving).map((s) => s.lane.name),
    pauseAll() {
      for (const s of states) stopServing(s, "paused");
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await looking;
      const created = states.flatMap((s) => (s.worker ? [s.worker] : []));
      await Promise.all(created.map((w) => w.pause().catch(() => {})));
      await Promise.all(created.map((w) => w.close()));
    },
  };
}
