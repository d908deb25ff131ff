/** Runs at most `limit` tasks at once; the others wait their turn in order. */
export function createSemaphore(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, so no newcomer overtakes it.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
