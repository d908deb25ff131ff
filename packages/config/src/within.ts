/**
 * `p`, or a rejection (`timed out after <ms> ms`) once `ms` have passed. For
 * waits that must end: a Redis that never connected leaves BullMQ (and
 * ioredis) waiting for it for ever instead of failing, so a page, a
 * readiness check or a health answer would hang with it. The timer is
 * cleared when `p` settles, and never keeps the process alive by itself.
 */
export function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
