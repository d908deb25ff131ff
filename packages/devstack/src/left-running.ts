import { existsSync, readFileSync } from "node:fs";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The pid a pid file names, if that process is alive and its command line
 * contains `binary` (a recycled pid running something else is not it).
 * PostgreSQL's `postmaster.pid` and Redis' `--pidfile` both start with the pid.
 */
export function livePidFrom(pidFile: string, binary: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (existsSync("/proc")) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(binary) ? pid : undefined;
    } catch {
      return undefined; // no such process
    }
  }
  return alive(pid) ? pid : undefined;
}

/**
 * Stops a server this process did not start (found running from its data
 * directory): `signal` is its clean shutdown (PostgreSQL: SIGINT, fast;
 * Redis: SIGTERM, AOF flushed). Resolves when the process is gone; SIGKILL
 * after `timeoutMs` (default 30000).
 */
export async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return; // gone already
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
