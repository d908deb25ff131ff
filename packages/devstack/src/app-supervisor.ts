/** What the supervisor needs of a child process: its exit, and a way to stop it. */
export interface SupervisedChild {
  once(event: "exit", listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: "exit", listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export interface AppSupervisorOptions<C extends SupervisedChild> {
  /** Starts the process called `name` (its command and environment are the caller's). */
  start(name: string): C;
  log(line: string): void;
  /** A child exited 78 (EX_CONFIG): restarting meets the same error, so the caller stops instead. */
  onConfigError(name: string): void;
  /** First wait before a restart, doubled for each crash in a row. Default 500 ms. */
  firstDelayMs?: number;
  /** Longest wait before a restart. Default 10000 ms. */
  maxDelayMs?: number;
  /** A child that ran at least this long before it exited counts as healthy: its next wait is the first again. Default 60000 ms. */
  healthyAfterMs?: number;
  now?: () => number;
}

/**
 * `npm start`'s children: starts each app, restarts one that exits (a crash,
 * the OOM killer) after a wait that doubles while it keeps crashing and starts
 * over once it had run `healthyAfterMs`, and stops them all on `stop()`, after
 * which nothing is started again, including restarts already waiting.
 */
export function superviseApps<C extends SupervisedChild>(options: AppSupervisorOptions<C>) {
  const first = options.firstDelayMs ?? 500;
  const max = options.maxDelayMs ?? 10_000;
  const healthyAfter = options.healthyAfterMs ?? 60_000;
  const now = options.now ?? Date.now;
  const children = new Map<string, C>();
  const waiting = new Set<NodeJS.Timeout>();
  let stopping = false;

  // `crashes`: exits in a row, each after less than `healthyAfter` of running.
  function run(name: string, crashes = 0): void {
    // A restart whose wait ends after shutdown began would start an app nobody stops.
    if (stopping) return;
    const child = options.start(name);
    const startedAt = now();
    children.set(name, child);
    child.on("exit", (code, signal) => {
      children.delete(name);
      if (stopping) return;
      if (code === 78) {
        options.log(`${name} has a configuration error (see above); not restarting`);
        options.onConfigError(name);
        return;
      }
      // Without this, an app that crashed five times in its life waited 10 s for every restart after.
      const inARow = now() - startedAt >= healthyAfter ? 0 : crashes;
      const wait = Math.min(first * 2 ** inARow, max);
      options.log(`${name} exited (${signal ?? code}); restarting in ${wait} ms`);
      const timer = setTimeout(() => {
        waiting.delete(timer);
        run(name, inARow + 1);
      }, wait);
      waiting.add(timer);
    });
  }

  return {
    run: (name: string) => run(name),
    /** Stops restarting and sends SIGTERM to every running child; resolves once they have exited. */
    async stop(): Promise<void> {
      stopping = true;
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((done) => {
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

export type AppSupervisor = ReturnType<typeof superviseApps>;
