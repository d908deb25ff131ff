/** Runs a task once its weight fits; tasks start in the order they asked. */
export type Semaphore = <T>(task: () => Promise<T>, weight?: number) => Promise<T>;

/**
 * Runs tasks while their weights add up to at most `capacity`; the others
 * wait their turn in order (a heavy task first in line holds back lighter
 * ones behind it, so it is never starved). A task heavier than the whole
 * capacity counts as the capacity: it runs alone. Weight defaults to 1, so
 * `createSemaphore(4)` runs four tasks at once.
 */
export function createSemaphore(capacity: number): Semaphore {
  let used = 0;
  const waiting: { weight: number; start(): void }[] = [];
  const admit = () => {
    while (waiting.length > 0 && used + waiting[0]!.weight <= capacity) {
      const next = waiting.shift()!;
      used += next.weight;
      next.start();
    }
  };
  return async function run<T>(task: () => Promise<T>, weight = 1): Promise<T> {
    const w = Math.min(Math.max(weight, 1), capacity);
    if (waiting.length === 0 && used + w <= capacity) used += w;
    else await new Promise<void>((start) => waiting.push({ weight: w, start }));
    try {
      return await task();
    } finally {
      used -= w;
      admit();
    }
  };
}
