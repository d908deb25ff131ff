import { isDatabaseUnavailable } from "@herald/db";
import type { Logger } from "@herald/logger";
import type { DatabaseGate } from "./database-gate.ts";

export interface RetryWriteOptions {
  /** Give up after this long (ms) and rethrow the last error. */
  deadlineMs: number;
  logger: Logger;
  /** Told when PostgreSQL is unreachable, so the process stops taking jobs meanwhile. */
  gate?: DatabaseGate;
  /** For the log line, e.g. `SENT ntf_…`. */
  what: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs a write that must not be lost, retrying while PostgreSQL is
 * unreachable. Used after a provider accepted a message: giving up there
 * means the job retries and the message goes out twice, so it is worth
 * waiting out a database restart. Errors PostgreSQL itself returns are not retried.
 */
export async function retryWhileDatabaseDown<T>(
  fn: () => Promise<T>,
  options: RetryWriteOptions,
): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  let delay = 100;
  let warned = false;
  for (;;) {
    try {
      const result = await fn();
      if (warned) options.logger.warn({ what: options.what }, "write succeeded after PostgreSQL came back");
      return result;
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline) throw err;
      options.gate?.reportDown(err);
      if (!warned) {
        options.logger.warn(
          { what: options.what, err: (err as Error).message },
          "PostgreSQL unreachable after the provider accepted; retrying the status write",
        );
        warned = true;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}
