/**
 * Node flags a worker process runs with unless `WORKER_NODE_OPTIONS` says
 * otherwise: `npm start`, `docker-compose.yml` and `npm run bench` all use
 * this one default. Without a heap cap V8 lets a busy worker's RSS grow to
 * 400+ MB of garbage it has not collected yet (the 100,000-recipient
 * fan-out); with 128 MB the same run peaked at ~260 MB.
 */
export const DEFAULT_WORKER_NODE_OPTIONS = "--max-old-space-size=128";

/** `NODE_OPTIONS` for a worker process: the caller's own, then the worker's flags. */
export function workerNodeOptions(env: Record<string, string | undefined>): string {
  const own = env.NODE_OPTIONS?.trim();
  const worker = env.WORKER_NODE_OPTIONS ?? DEFAULT_WORKER_NODE_OPTIONS;
  return [own, worker].filter(Boolean).join(" ");
}
