import type { Logger } from "@herald/logger";

export interface DatabaseGate {
  /** True from the first "unreachable" error until a probe succeeds. */
  readonly down: boolean;
  /** An operation found PostgreSQL unreachable: start probing (once) and tell listeners. */
  reportDown(err: unknown): void;
  /** Called with `true` when the database goes away and `false` when it answers again. */
  onChange(listener: (down: boolean) => void): void;
  /** Resolves once the database answers (at once when it is up). */
  whenUp(): Promise<void>;
  close(): void;
}

export interface DatabaseGateOptions {
  /** First wait between probes, in ms. Default 250. */
  minDelayMs?: number;
  /** Longest wait between probes, in ms. Default 5000. */
  maxDelayMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * One per worker process. While PostgreSQL is unreachable every job would
 * fail and burn a retry; instead the first failure flips the gate, the
 * workers pause, and a probe (`select 1`) with capped backoff flips it back.
 */
export function createDatabaseGate(
  probe: () => Promise<unknown>,
  logger: Logger,
  options: DatabaseGateOptions = {},
): DatabaseGate {
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const listeners: ((down: boolean) => void)[] = [];
  let down = false;
  let closed = false;
  let waiters: (() => void)[] = [];

  const emit = (value: boolean) => {
    for (const l of listeners) {
      try {
        l(value);
      } catch (err) {
        logger.error({ err }, "database gate listener failed");
      }
    }
  };

  async function probeUntilUp(since: number): Promise<void> {
    let delay = minDelay;
    while (!closed) {
      await sleep(delay);
      try {
        await Promise.race([
          probe(),
          sleep(2000).then(() => {
            throw new Error("probe timed out");
          }),
        ]);
        down = false;
        logger.warn({ downMs: Date.now() - since }, "PostgreSQL answers again: resuming");
        emit(false);
        for (const w of waiters) w();
        waiters = [];
        return;
      } catch {
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }

  return {
    get down() {
      return down;
    },
    reportDown(err) {
      if (down || closed) return;
      down = true;
      logger.error(
        { err: (err as Error)?.message ?? String(err) },
        "PostgreSQL is unreachable: pausing consumers until it answers",
      );
      emit(true);
      void probeUntilUp(Date.now());
    },
    onChange(listener) {
      listeners.push(listener);
    },
    whenUp() {
      return down ? new Promise<void>((r) => waiters.push(r)) : Promise.resolve();
    },
    close() {
      closed = true;
      for (const w of waiters) w();
      waiters = [];
    },
  };
}
