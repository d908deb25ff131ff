import type { Logger } from "@herald/logger";

/** Logs the first of a kind of warning, then at most one per `intervalMs`. */
export type ThrottledWarn = (fields: Record<string, unknown>, message: string) => void;

/**
 * For warnings every request repeats while a dependency is down: at 1,000
 * requests/s one line each would bury everything else (and the stack traces
 * with them). The first is logged at once; the next one logged says how many
 * were left out in between (`suppressed`). Default interval 10 s.
 */
export function throttledWarn(logger: Logger, intervalMs = 10_000, now = Date.now): ThrottledWarn {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (fields, message) => {
    const t = now();
    if (t - last < intervalMs) {
      suppressed++;
      return;
    }
    logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
    last = t;
    suppressed = 0;
  };
}
