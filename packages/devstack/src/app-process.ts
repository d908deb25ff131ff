import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

export interface AppProcessOptions {
  /** TypeScript entry point, run as `node --import tsx <entry>`. */
  entry: string;
  env: Record<string, string | undefined>;
  /** Where `tsx` resolves from (the repository root). */
  cwd: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Extra `node` flags (`--cpu-prof`…), before the entry. */
  nodeArgs?: string[];
}

export interface AppProcess {
  readonly pid: number;
  readonly running: boolean;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `kill -9`: the process gets no chance to clean up. */
  kill(): Promise<void>;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * One Herald app (API or worker) as a real child process, for fault tests
 * and the chaos script: it can be stopped gracefully or killed outright.
 */
export function spawnApp(options: AppProcessOptions): AppProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), "--import", "tsx", options.entry],
    {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      // Let the pipes drain into the log before closing it.
      setTimeout(() => {
        log.end();
        resolve({ code, signal });
      }, 50);
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid!,
    get running() {
      return running();
    },
    exited,
    async stop(signal = "SIGTERM") {
      if (running()) child.kill(signal);
      return exited;
    },
    async kill() {
      if (running()) child.kill("SIGKILL");
      await exited;
    },
    output() {
      try {
        return readFileSync(options.logFile, "utf8");
      } catch {
        return "";
      }
    },
  };
}

export interface WaitAnsweringOptions {
  /** Names the process in errors (`api`, `worker-1`…). */
  what: string;
  /** Give up after this long. Default 60,000 ms. */
  timeoutMs?: number;
  /** Poll interval. Default 200 ms. */
  intervalMs?: number;
}

/**
 * Polls `url` until it answers 2xx. Fails with the tail of the app's output
 * as soon as the app exits, or when `timeoutMs` passes, so a start-up crash
 * shows its cause instead of a bare timeout.
 */
export async function waitUntilAnswering(
  app: AppProcess,
  url: string,
  options: WaitAnsweringOptions,
): Promise<void> {
  const { what, timeoutMs = 60_000, intervalMs = 200 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (!app.running) throw new Error(`${what} exited during start-up:\n${app.output().slice(-4000)}`);
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms:\n${app.output().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
