import { readFileSync } from "node:fs";

/** The parent pid of `pid` from `/proc`, or undefined where there is none to read. */
export function parentPid(pid: number): number | undefined {
  try {
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` once the process that launched ours through an intermediary
 * (npm, which runs `tsx`, which runs this script) has died, checked every
 * `intervalMs` (default 1000). A `kill -9` of npm, as `timeout -s KILL` or a
 * process manager sends, tells npm's children nothing: without this the
 * script and everything it started ran on. Does nothing where `/proc` is
 * missing. Returns the stop function.
 */
export function onLauncherExit(onGone: () => void, intervalMs = 1000): () => void {
  const launcher = parentPid(process.ppid);
  if (launcher === undefined || launcher === 1) return () => {};
  const timer = setInterval(() => {
    if (parentPid(process.ppid) === launcher) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
