import { migrateDatabase } from "./migrate.ts";
import { isDatabaseUnavailable } from "./unavailable.ts";

/** Where each failed try is reported (a pino logger fits). */
export interface ReachabilityLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface WhenReachableOptions {
  /** First wait after a failed try, doubled after each one. Default 250 ms. */
  firstDelayMs?: number;
  /** Longest wait between two tries. Default 5000 ms. */
  maxDelayMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `work` until it gets through, as long as it fails only because
 * PostgreSQL cannot be reached (down, starting, full: `isDatabaseUnavailable`);
 * any other error is thrown at once. For start-up work: a process started
 * before its database (docker compose, a node reboot, a managed database's
 * failover) waits for it instead of exiting, or crash-looping under a
 * supervisor.
 */
export async function whenDatabaseReachable<T>(
  work: () => Promise<T>,
  log: ReachabilityLog,
  options: WhenReachableOptions = {},
): Promise<T> {
  const maxDelay = options.maxDelayMs ?? 5000;
  let delay = options.firstDelayMs ?? 250;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      log.warn({ err: (err as Error).message, retryInMs: delay }, "PostgreSQL unreachable at start-up");
      await sleep(delay);
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}

/** {@link migrateDatabase}, waiting for PostgreSQL first (see {@link whenDatabaseReachable}). */
export function migrateWhenReachable(
  url: string,
  log: ReachabilityLog,
  options?: WhenReachableOptions,
): Promise<void> {
  return whenDatabaseReachable(() => migrateDatabase(url), log, options);
}
