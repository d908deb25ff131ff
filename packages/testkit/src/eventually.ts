export interface EventuallyOptions {
  /** How long to keep trying, in ms. Default 10,000. */
  timeoutMs?: number;
  /** The wait between tries, in ms. Default 25. */
  intervalMs?: number;
  /**
   * What the system looked like when time ran out (job states, requests a
   * fake saw…), added to the error: a timeout in CI, which cannot be re-run
   * with a debugger, then says where things stopped.
   */
  explain?: () => Promise<unknown> | unknown;
}

/**
 * Re-runs `check` until it stops throwing (or returns a truthy value), then
 * returns that value. For asynchronous outcomes (a worker's status write)
 * without fixed sleeps. `options` may be the timeout in ms alone.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  options: number | EventuallyOptions = {},
  intervalMs?: number,
): Promise<Exclude<T, null | undefined | false>> {
  const opts = typeof options === "number" ? { timeoutMs: options } : options;
  const interval = intervalMs ?? opts.intervalMs ?? 25;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && (value as unknown) !== false)
        return value as Exclude<T, null | undefined | false>;
      lastError = new Error(`condition returned ${String(value)}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  const error = lastError instanceof Error ? lastError : new Error(String(lastError));
  if (opts.explain) {
    let state: unknown;
    try {
      state = await opts.explain();
    } catch (err) {
      state = `explain failed: ${String(err)}`;
    }
    error.message += `\nstate when time ran out: ${typeof state === "string" ? state : JSON.stringify(state)}`;
  }
  throw error;
}
