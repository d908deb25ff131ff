/**
 * Calls `onGone` once the process that launched ours has died, checked every
 * `intervalMs` (default 1000). npm runs `exec node --import tsx
 * scripts/start.ts`, so the launcher is npm itself, our parent: when it dies
 * we are handed to another parent. A `kill -9` of npm, as `timeout -s KILL` or
 * a process manager sends, tells npm's children nothing: without this the
 * script and everything it started ran on. Does nothing when our parent is
 * already init (pid 1). Returns the stop function.
 */
export function onLauncherExit(onGone: () => void, intervalMs = 1000): () => void {
  const launcher = process.ppid;
  if (launcher === 1) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
