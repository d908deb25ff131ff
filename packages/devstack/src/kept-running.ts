/** What `keepRunning` watches: one server of `npm start`'s. */
export interface KeptServer {
  /** How log lines name it, e.g. "PostgreSQL on port 54320". */
  what: string;
  /** Whether its process is alive now. */
  alive(): boolean;
  /** Starts it again; resolves once it answers. */
  restart(): Promise<void>;
}

export interface KeepRunningOptions {
  log: (line: string) => void;
  /** How often to look. Default 1000 ms. */
  intervalMs?: number;
  /** Longest wait between failed restarts. Default 10000 ms. */
  maxBackoffMs?: number;
}

/**
 * Starts `server` again whenever its process is found dead (the OOM killer,
 * a `kill -9`, a crash): the apps reconnect on their own, so the stack heals
 * as it does when an app dies. A failed restart (PostgreSQL's orphaned
 * backends still hold its shared memory for a moment) is retried with a
 * doubling wait. `stop()` ends the watch and waits for a restart in hand, so
 * that whatever stops the server next finds it settled.
 */
export function keepRunning(server: KeptServer, options: KeepRunningOptions): { stop(): Promise<void> } {
  const interval = options.intervalMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  let stopped = false;
  let inHand: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const revive = async (): Promise<void> => {
    options.log(`${server.what} stopped unexpectedly; starting it again`);
    for (let wait = 500; !stopped; wait = Math.min(wait * 2, maxBackoff)) {
      try {
        await server.restart();
        options.log(`${server.what} is running again`);
        return;
      } catch (err) {
        options.log(`${server.what} did not start (${(err as Error).message}); trying again in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  const look = () => {
    if (stopped) return;
    if (server.alive()) {
      schedule();
      return;
    }
    inHand = revive().finally(schedule);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(look, interval);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inHand;
    },
  };
}
